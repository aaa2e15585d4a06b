"""Dialogs: add a workload, open a scenario, and help with every key and colour."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from vmsim.output.lesson_outline import wrap
from vmsim.output.words import fmt_mib_compact as fmt_mib
from vmsim.session import Catalog, ScenarioError, ScenarioSpec, load_scenario, shipped_names
from vmsim.session.served import ServedLimits
from vmsim.text import escaped, escaped_lines, tr
from vmsim.tui.style import BROKEN_COLOUR, BROKEN_SYMBOL, DISK_STYLES, FREE, MEMORY_STYLES, STATE_STYLES
from vmsim.tui.too_small import on_top

MAX_ADD = 1000
LIST_MIN_WIDTH = 16  # cells

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """A modal screen that closes once. Two keys in one moment (Enter, Enter; Escape, Enter) each asked it to
    close before the first close was done: the second ``dismiss`` ran the result callback again (a workload
    added twice) and popped the screen below, which raised ``ScreenStackError`` on the dashboard."""

    closing = False  # True from the first dismiss on: every later one is ignored
    ready = False  # its widgets exist and one has the focus: keys typed before then wait (vmsim.tui.key_gate)

    def on_mount(self) -> None:
        self.call_after_refresh(self._take_keys)
        # Should that call be lost (Textual runs it on the screen on top when it comes, which may be one that
        # closes first, the too-small notice), the dialog takes keys a moment later all the same.
        self.set_timer(0.5, self._take_keys)

    def _take_keys(self) -> None:
        if not self.ready:
            self.ready = True
            self.app.open_gate()  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        self.app.call_later(self.app.open_gate)  # type: ignore[attr-defined]  # (closed before it was ready)

    def on_click(self, event: events.Click) -> None:
        """A click on the key line below (which shows this dialog's keys, but lies under it) presses that key."""
        from vmsim.tui.widgets.key_bar import KeyBar

        if event.screen_y != self.app.size.height - 1 or len(self.app.screen_stack) < 2:
            return
        bars = self.app.screen_stack[-2].query(KeyBar)
        shown = bars.first().key_at(event.screen_x) if bars else None
        if shown is not None:
            event.stop()
            # Sent by the app, as a typed key is: sent from here, Textual would stop it at this screen (its
            # sender), before the app's bindings, where Escape closes the dialog.
            self.app.call_later(self.app.simulate_key, shown.key)

    def dismiss(self, result: Result | None = None) -> AwaitComplete:
        """Close with ``result``, the first time only, and only while this dialog is the screen on top."""
        if self.closing or not on_top(self):
            return AwaitComplete.nothing()
        self.closing = True
        return super().dismiss(result)


class ListDialog(Dialog[Result]):
    """A dialog built around one option list that gives up rows on a short terminal, so the fields and buttons
    below it stay on screen. (Textual has no flex-shrink: a list of its natural height pushed them off the
    bottom at 80×24, and a list of 1fr left blank rows in the dialog on a tall one.)"""

    LIST_ROWS = 18  # the most rows the list takes
    # False from opening (or a resize) until the list has its rows and shows the chosen option: fitting takes
    # two repaints, so a test (or anything reading the layout) waits for this rather than for time to pass.
    fitted = False

    def on_mount(self) -> None:
        # An option wrapped to a width of 0 cells raised ValueError in rich (terminals of 11 columns or fewer):
        # below this width the list is cut at the dialog's edge instead.
        self.query_one(OptionList).styles.min_width = LIST_MIN_WIDTH
        self.call_after_refresh(self.fit_list)

    def on_resize(self, event: events.Resize) -> None:
        self.fitted = False
        self.call_after_refresh(self.fit_list)

    def fit_list(self) -> None:
        """Give the list the rows the dialog has left once everything else in it is shown."""
        dialogs, lists = self.query(".dialog"), self.query(OptionList)
        if self.closing or not dialogs or not lists:
            # Asked by a resize and run after a repaint, which may come once the dialog has closed: Textual queues
            # the call on the screen on top when the request is handled, not on this one.
            return
        dialog, options = dialogs.first(), lists.first(OptionList)
        limit = dialog.styles.max_height
        room = int(limit.resolve(self.size, self.app.size)) if limit is not None else self.size.height
        room -= dialog.styles.gutter.height
        for part in dialog.children:
            if part is not options and part.display:
                room -= part.outer_size.height + part.styles.margin.height
        options.styles.max_height = max(3, min(self.LIST_ROWS, room))
        self.fitted = False
        options.call_after_refresh(self._keep_chosen_in_view, options)

    def _keep_chosen_in_view(self, options: OptionList) -> None:
        # After the repaint that gave the list its new height: the chosen option stays in the shorter list, its
        # first line (the name) at the top, not below the tail of the option before it (a 4-row list at 80×24).
        options.scroll_to_highlight(top=True)
        # Options that wrap get their heights at that repaint too: scroll once more after the next one, so a
        # chosen option below wrapped ones is in view when the dialog says it has fitted.
        options.call_after_refresh(self._confirm_chosen_in_view, options)

    def _confirm_chosen_in_view(self, options: OptionList) -> None:
        options.scroll_to_highlight(top=True)
        self.fitted = True

    def show_error(self, message: str | Text) -> None:
        """Say what is wrong, under the fields (the list makes room for it)."""
        self.query_one(DialogError).update(message)


class DialogError(Static):
    """What is wrong with a dialog's input. When it takes more or fewer lines, the dialog's list makes room."""

    def on_resize(self) -> None:
        if isinstance(self.screen, ListDialog):
            self.screen.call_after_refresh(self.screen.fit_list)


DETAIL_INDENT = " " * 13  # under the app's label, after its 12-column name
DETAIL_WIDTH = 50  # the add dialog's list is about 66 columns wide at 80×24


def app_label(name: str, label: str, lang: str) -> str:
    """A catalog app's description in ``lang`` when the text catalogue has one (``app.<name>``), else the
    catalog's own (English, or a scenario's app as its file gives it)."""
    text = tr(f"app.{name}", lang)
    return label if text == f"app.{name}" else text


def detail_lines(detail: str) -> str:
    """An app's figures under its name, broken between figures (``·``) where a line would be too long for the
    list at 80 columns, each line indented under the label."""
    return "\n".join(DETAIL_INDENT + each for each in wrap(detail, DETAIL_WIDTH, " · "))


class CountInput(Input):
    """The add dialog's count: a paste longer than the field takes is refused with the dialog's message, where
    Textual dropped it without a word (and Add then added the 1 still there)."""

    def _on_paste(self, event: events.Paste) -> None:
        line = event.text.splitlines()[0] if event.text else ""
        if self.max_length and len(self.value) - len(self.selected_text) + len(line) > self.max_length:
            event.prevent_default()  # (Input's own handler, which Textual calls after this one, drops it)
            event.stop()
            screen = self.screen
            if isinstance(screen, ListDialog):
                screen.show_error(tr("add.bad_count", self.app.lang, max=f"{MAX_ADD:,}"))  # type: ignore[attr-defined]


class AddWorkloadScreen(ListDialog[tuple[str, int] | None]):
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
                label.append(f" {app_label(name, app.label, lang)}\n", style="")
                # An app with a worker per core (nginx) uses more on a bigger host: say so, not just one core's.
                workers = app.worker_private_mib
                detail = tr(
                    "add.detail" if workers is None else "add.detail_workers",
                    lang,
                    rss=fine_mib(app.rss_mib if workers is None else app.rss_at(0)),
                    worker=fine_mib(workers.value if workers is not None else 0.0),
                    image=fmt_mib(app.image.size_mib),
                    start=f"{app.start_s.value:g}",
                )
                label.append(detail_lines(detail), style="dim")
                options.append(Option(label, id=name))
            yield OptionList(*options, id="app-list")
            with Horizontal(classes="dialog-row"):
                yield Label(tr("add.how_many", lang), classes="field-label")
                # Plain text, checked on Add: an integer Input drops the keys it refuses, so "1e3" became 13.
                yield CountInput("1", id="count", max_length=6)
            yield DialogError("", id="add-error", classes="dialog-error")
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
            self.show_error(tr("add.bad_count", self.app.lang, max=f"{MAX_ADD:,}"))  # type: ignore[attr-defined]
            return None
        return count

    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.show_error(tr("add.pick", self.app.lang))  # type: ignore[attr-defined]
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


class OpenScenarioScreen(ListDialog[ScenarioSpec | None]):
    """Pick a shipped scenario or type a path. Errors stay in the dialog; the current run goes on."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current
        self.limits = ServedLimits.from_environ()  # served to a browser: no paths typed on the server

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog", classes="dialog"):
            lang = self.app.lang  # type: ignore[attr-defined]
            yield Label(tr("open.title", lang), classes="dialog-title")
            options = []
            names, folder = shipped_names(), self.limits.folder_scenarios()
            # A teacher's file name is text from outside: shown escaped (an ESC in it drew colours in the tab).
            stems = [escaped(p.stem) for p in folder]
            width = max(len(n) for n in [*names, *stems, "-" * 14])  # one column for all
            for name in names:
                try:
                    spec = load_scenario(name)
                except ScenarioError:
                    continue
                options.append(Option(_named(name, spec.say("description", lang), width), id=name))
            for path, stem in zip(folder, stems, strict=True):  # the teacher's folder ('vmsim serve --scenarios')
                options.append(Option(_named(stem, tr("open.teachers", lang), width), id=str(path)))
            yield OptionList(*options, id="scenario-list")
            with Horizontal(classes="dialog-row"):
                yield Label(tr("open.file", lang), classes="field-label")
                yield Input(placeholder="path/to/scenario.toml", id="path")
            yield DialogError("", id="open-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("button.open", lang), id="open", variant="primary")
                yield Button(tr("button.cancel", lang), id="cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        if self.current in ids:
            options.highlighted = ids.index(self.current)
        options.focus()

    def on_key(self, event: events.Key) -> None:
        # Typing while the list (or a button) has focus starts a path: the list has no use for characters,
        # and without this they were lost until the user thought of Tab.
        if event.is_printable and event.character != " " and self._start_path(event.character or ""):
            event.stop()

    def on_paste(self, event: events.Paste) -> None:
        # A path pasted while the list has focus goes to the path field too (its first line: a path has one).
        if event.text.strip() and self._start_path(event.text.strip().splitlines()[0]):
            event.stop()

    def _start_path(self, text: str) -> bool:
        """Put ``text`` in the path field and focus it, unless it has the focus already (it takes keys itself)."""
        path = self.query_one("#path", Input)
        if self.focused is path:
            return False
        path.select_on_focus = False  # (selected on focus, which comes later, the next character would replace it)
        path.insert_text_at_cursor(text)
        path.focus()
        return True

    def _load(self, name: str) -> None:
        try:
            spec = load_scenario(name)
        except ScenarioError as exc:
            # (a path typed or pasted may hold control characters: shown escaped, as the command line does)
            self.show_error(Text(escaped_lines(exc.text(self.app.lang))))  # type: ignore[attr-defined]
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
            self.show_error(tr("open.need_path", self.app.lang))  # type: ignore[attr-defined]
            return
        if self.limits.served:
            choice = self.limits.choice(value, shipped_names())
            if choice is None:
                self.show_error(tr("open.served_only", self.app.lang))  # type: ignore[attr-defined]
                return
            self._load(choice)
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
    ("↑ ↓ / {click}", "help.select"),  # the mouse's word in the language
    ("tab", "help.tab"),
    ("c", "help.c"),
    ("m", "help.m"),
    ("H", "help.H"),
    ("x", "help.x"),
    ("b / i", "help.deploy"),
    ("r", "help.r"),
    ("o", "help.o"),
    ("s", "help.s"),
    ("e", "help.e"),
    ("L", "help.L"),
    ("h", "help.h"),
    ("f / B", "help.build"),
    ("ctrl+p", "help.palette"),
    ("? / F1", "help.help"),
    ("q", "help.q"),
]


def _legend(styles: dict, title: str, lang: str, *extra: tuple[str, str]) -> Group:
    # A grid, as the keys: a name that wraps in a narrow column stays beside its glyphs, not under them.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # (Korean at 80 columns: folded, not cut)
    for cat, style in [*styles.items(), ("free", FREE)]:
        grid.add_row(Text(f"  {style.glyph * 3}", style=style.colour), tr("cat." + cat, lang))
    for mark, what in extra:
        grid.add_row(Text(f"  {mark}", style="italic"), what)
    return Group(Text(title, style="bold"), grid)


def _named(name: str, description: str, width: int) -> Table:
    """A scenario in the open dialog: its name in a column ``width`` wide, and its description wrapped beside it
    (not under the name)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=width, style="bold")
    grid.add_column(overflow="fold", style="dim")
    grid.add_row(name, description)
    return grid


class HelpScreen(Dialog[None]):
    """Every key, and a legend of every colour and glyph."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        lang = self.app.lang  # type: ignore[attr-defined]
        # A grid, so a description that wraps (at 80 columns) stays in its column, under its first line.
        keys = Table.grid(padding=(0, 1))
        keys.add_column(style="bold #56b4e9", no_wrap=True, min_width=14)
        keys.add_column(overflow="fold")  # Korean at 80 columns was cut ("새 버 …"), not wrapped
        for key, what in HELP_KEYS:
            keys.add_row(f"  {key.format(click=tr('help.click', lang))}", tr(what, lang))
        states = Text()
        states.append(tr("help.states", lang) + "\n", style="bold")
        for state, (symbol, colour) in STATE_STYLES.items():
            states.append(f"  {symbol} ", style=colour)
            states.append(tr(f"state.{state}", lang) + "\n")
        states.append(f"  {BROKEN_SYMBOL} ", style=BROKEN_COLOUR)  # running, its app not working (a deploy broke it)
        states.append(tr("inst.not_working", lang) + "\n")
        about = Text(tr("help.about", lang) + "\n", style="dim")
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label(tr("help.title", lang), classes="dialog-title")
            yield Static(Text(tr("help.keys", lang), style="bold"))
            yield Static(keys, id="help-keys")
            with Horizontal(id="help-legends"):
                yield Static(_legend(MEMORY_STYLES, tr("bar.memory", lang), lang), classes="legend")
                arriving = (tr("disk.arrived_short", lang, pct="40"), tr("help.arriving", lang))
                yield Static(_legend(DISK_STYLES, tr("bar.disk", lang), lang, arriving), classes="legend")
                yield Static(states, classes="legend")
            yield Static(about)
            yield Button(tr("button.close", lang), id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Back to the dashboard."""
        self.dismiss(None)


def fine_mib(mib: float) -> str:
    """MiB to two decimals below 10 (nginx's 2.36 MiB + 0.36 MiB a core: rounded to 2.4 and 0.4, eight cores would
    add up to 5.6 MiB where the dashboard shows 5.2); else as :func:`fmt_mib` writes it."""
    return f"{mib:.2f} MiB" if mib < 10 and mib != int(mib) else fmt_mib(mib)
