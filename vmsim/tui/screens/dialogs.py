"""Dialogs: add a workload, open a scenario, and help with every key and colour."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from vmsim.engine.catalog import Catalog
from vmsim.scenarios import ScenarioError, ScenarioSpec, load_scenario, shipped_names
from vmsim.tui.style import DISK_STYLES, FREE, MEMORY_STYLES, STATE_STYLES, fmt_mib

MAX_ADD = 1000


class AddWorkloadScreen(ModalScreen[tuple[str, int] | None]):
    """Pick an app and a count; the result is (app, count), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, catalog: Catalog, default_app: str | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.default_app = default_app

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog"):
            yield Label("Add a workload to every world", classes="dialog-title")
            options = []
            for name, app in self.catalog.apps.items():
                label = Text()
                label.append(f"{name:<12}", style="bold")
                label.append(f" {app.label}\n", style="")
                label.append(
                    f"             RSS {fmt_mib(app.rss_mib)} · image {fmt_mib(app.image.size_mib)}"
                    f" · starts in {app.start_s.value:g} s",
                    style="dim",
                )
                options.append(Option(label, id=name))
            yield OptionList(*options, id="app-list")
            with Horizontal(classes="dialog-row"):
                yield Label("How many:", classes="field-label")
                yield Input("1", id="count", type="integer", max_length=4)
            yield Static("", id="add-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", id="add", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = list(self.catalog.apps)
        if self.default_app in names:
            options.highlighted = names.index(self.default_app)
        else:
            options.highlighted = 0
        options.focus()

    def _count(self) -> int | None:
        raw = self.query_one("#count", Input).value.strip()
        try:
            count = int(raw)
        except ValueError:
            count = 0
        if not 1 <= count <= MAX_ADD:
            self.query_one("#add-error", Static).update(f"How many must be a whole number from 1 to {MAX_ADD}.")
            return None
        return count

    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.query_one("#add-error", Static).update("Pick an app first.")
            return
        count = self._count()
        if count is None:
            return
        app = options.get_option_at_index(options.highlighted).id
        assert app is not None
        self.dismiss((app, count))

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self._submit()

    @on(Input.Submitted)
    def _entered(self) -> None:
        self._submit()

    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        self._submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without adding."""
        self.dismiss(None)


class OpenScenarioScreen(ModalScreen[ScenarioSpec | None]):
    """Pick a shipped scenario or type a path. Errors stay in the dialog; the current run goes on."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog", classes="dialog"):
            yield Label("Open a scenario", classes="dialog-title")
            options = []
            for name in shipped_names():
                try:
                    spec = load_scenario(name)
                except ScenarioError:
                    continue
                label = Text()
                label.append(f"{name:<14}", style="bold")
                label.append(f" {spec.description}", style="dim")
                options.append(Option(label, id=name))
            yield OptionList(*options, id="scenario-list")
            with Horizontal(classes="dialog-row"):
                yield Label("or a file:", classes="field-label")
                yield Input(placeholder="path/to/scenario.toml", id="path")
            yield Static("", id="open-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open", id="open", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        if self.current in ids:
            options.highlighted = ids.index(self.current)
        options.focus()

    def _load(self, name: str) -> None:
        try:
            spec = load_scenario(name)
        except ScenarioError as exc:
            self.query_one("#open-error", Static).update(Text(str(exc)))
            return
        self.dismiss(spec)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._load(event.option.id)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        self._open_path(event.value)

    @on(Button.Pressed, "#open")
    def _open(self) -> None:
        path = self.query_one("#path", Input).value
        if path.strip():
            self._open_path(path)
            return
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option_id = options.get_option_at_index(options.highlighted).id
            if option_id:
                self._load(option_id)

    def _open_path(self, value: str) -> None:
        value = value.strip()
        if not value:
            self.query_one("#open-error", Static).update("Type a path to a .toml file, or pick a scenario above.")
            return
        self._load(str(Path(value).expanduser()))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close and keep the current scenario."""
        self.dismiss(None)


HELP_KEYS = [
    ("a", "add a workload (pick an app and how many) to every world"),
    ("A", "add one more of the last app"),
    ("d", "remove the selected instance"),
    ("space", "pause / resume simulated time"),
    ("n", "step to the next thing that happens (paused)"),
    ("+ / -", "faster / slower (0.1× … 100×; 1× is real time)"),
    (", / .", "back / forward 10 s through what already happened (paused)"),
    ("↑ ↓ / click", "select an instance in a world's list"),
    ("tab", "move between the worlds' lists and the tabs below"),
    ("c", "log and charts large (on small screens: instead of the worlds)"),
    ("m", "show / hide the microVM world"),
    ("r", "restart the scenario"),
    ("o", "open another scenario"),
    ("s", "save an SVG screenshot"),
    ("e", "export the current state as JSON"),
    ("ctrl+p", "command palette: every action by name"),
    ("? / F1", "this help"),
    ("q", "quit"),
]


def _legend(styles: dict, title: str) -> Text:
    text = Text()
    text.append(f"{title}\n", style="bold")
    for style in [*styles.values(), FREE]:
        text.append(f"  {style.glyph * 3}", style=style.colour)
        text.append(f" {style.label}\n")
    return text


class HelpScreen(ModalScreen[None]):
    """Every key, and a legend of every colour and glyph."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        keys = Text()
        keys.append("Keys\n", style="bold")
        for key, what in HELP_KEYS:
            keys.append(f"  {key:<12}", style="bold #56b4e9")
            keys.append(f" {what}\n")
        states = Text()
        states.append("Instance states\n", style="bold")
        for state, (symbol, colour) in STATE_STYLES.items():
            states.append(f"  {symbol} ", style=colour)
            states.append(f"{state}\n")
        about = Text(
            "Every world is a copy of the same host fed the same workloads at the same moments. "
            "Figures come from published measurements; 'vmsim catalog' lists each with its source.\n",
            style="dim",
        )
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label("vmsim help", classes="dialog-title")
            yield Static(keys)
            with Horizontal(id="help-legends"):
                yield Static(_legend(MEMORY_STYLES, "Memory"), classes="legend")
                yield Static(_legend(DISK_STYLES, "Disk"), classes="legend")
                yield Static(states, classes="legend")
            yield Static(about)
            yield Button("Close", id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Back to the dashboard."""
        self.dismiss(None)
