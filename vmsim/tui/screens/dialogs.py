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
from vmsim.i18n import tr
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
            lang = self.app.lang  # type: ignore[attr-defined]
            yield Label(tr("add.title", lang), classes="dialog-title")
            options = []
            for name, app in self.catalog.apps.items():
                label = Text()
                label.append(f"{name:<12}", style="bold")
                label.append(f" {app.label}\n", style="")
                detail = tr(
                    "add.detail",
                    lang,
                    rss=fmt_mib(app.rss_mib),
                    image=fmt_mib(app.image.size_mib),
                    start=f"{app.start_s.value:g}",
                )
                label.append("             " + detail, style="dim")
                options.append(Option(label, id=name))
            yield OptionList(*options, id="app-list")
            with Horizontal(classes="dialog-row"):
                yield Label(tr("add.how_many", lang), classes="field-label")
                yield Input("1", id="count", type="integer", max_length=4)
            yield Static("", id="add-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("button.add", lang), id="add", variant="primary")
                yield Button(tr("button.cancel", lang), id="cancel")

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
            self.query_one("#add-error", Static).update(tr("add.bad_count", self.app.lang, max=MAX_ADD))  # type: ignore[attr-defined]
            return None
        return count

    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.query_one("#add-error", Static).update(tr("add.pick", self.app.lang))  # type: ignore[attr-defined]
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
            lang = self.app.lang  # type: ignore[attr-defined]
            yield Label(tr("open.title", lang), classes="dialog-title")
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
                yield Label(tr("open.file", lang), classes="field-label")
                yield Input(placeholder="path/to/scenario.toml", id="path")
            yield Static("", id="open-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("button.open", lang), id="open", variant="primary")
                yield Button(tr("button.cancel", lang), id="cancel")

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
            self.query_one("#open-error", Static).update(Text(exc.text(self.app.lang)))  # type: ignore[attr-defined]
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
            self.query_one("#open-error", Static).update(tr("open.need_path", self.app.lang))  # type: ignore[attr-defined]
            return
        self._load(str(Path(value).expanduser()))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close and keep the current scenario."""
        self.dismiss(None)


HELP_KEYS = [
    ("a", "help.a"),
    ("A", "help.A"),
    ("d", "help.d"),
    ("space", "help.space"),
    ("n", "help.n"),
    ("+ / -", "help.speed"),
    (", / .", "help.rewind"),
    ("→ / ←", "help.lesson"),
    ("l", "help.l"),
    ("↑ ↓ / click", "help.select"),
    ("tab", "help.tab"),
    ("c", "help.c"),
    ("m", "help.m"),
    ("r", "help.r"),
    ("o", "help.o"),
    ("s", "help.s"),
    ("e", "help.e"),
    ("L", "help.L"),
    ("h", "help.h"),
    ("ctrl+p", "help.palette"),
    ("? / F1", "help.help"),
    ("q", "help.q"),
]


def _legend(styles: dict, title: str, lang: str) -> Text:
    text = Text()
    text.append(f"{title}\n", style="bold")
    for cat, style in [*styles.items(), ("free", FREE)]:
        text.append(f"  {style.glyph * 3}", style=style.colour)
        text.append(f" {tr('cat.' + cat, lang)}\n")
    return text


class HelpScreen(ModalScreen[None]):
    """Every key, and a legend of every colour and glyph."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        lang = self.app.lang  # type: ignore[attr-defined]
        keys = Text()
        keys.append(tr("help.keys", lang) + "\n", style="bold")
        for key, what in HELP_KEYS:
            keys.append(f"  {key:<12}", style="bold #56b4e9")
            keys.append(f" {tr(what, lang)}\n")
        states = Text()
        states.append(tr("help.states", lang) + "\n", style="bold")
        for state, (symbol, colour) in STATE_STYLES.items():
            states.append(f"  {symbol} ", style=colour)
            states.append(tr(f"state.{state}", lang) + "\n")
        about = Text(tr("help.about", lang) + "\n", style="dim")
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label(tr("help.title", lang), classes="dialog-title")
            yield Static(keys)
            with Horizontal(id="help-legends"):
                yield Static(_legend(MEMORY_STYLES, tr("bar.memory", lang), lang), classes="legend")
                yield Static(_legend(DISK_STYLES, tr("bar.disk", lang), lang), classes="legend")
                yield Static(states, classes="legend")
            yield Static(about)
            yield Button(tr("button.close", lang), id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Back to the dashboard."""
        self.dismiss(None)
