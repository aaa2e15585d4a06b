"""The key line at the bottom of the dashboard: every key that applies now, each clickable."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from vmsim.text import tr

# Kept on the line however narrow the terminal: the help lists every other key, and quitting must be findable.
ALWAYS_SHOWN = ("help", "quit")


# A dialog's keys, in the words of its buttons: cancel (add, open), close (help), escape (the command palette).
DIALOG_WORDS = {"cancel": "button.cancel", "close": "button.close", "escape": "button.close"}


class ShownKey(NamedTuple):
    """One key on the line: what to press, what it does, and whether it applies at this moment."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool


class KeySpan(NamedTuple):
    """Where a key was drawn, so a click can find it."""

    start: int
    end: int
    key: ShownKey


FIRST = {"leave_tabs": -1, "build_pick": 0, "build_rebuild": 1, "lesson_back": 2, "lesson_next": 3}
# In a lesson, what a teacher presses between the steps comes next (before adding and removing workloads).
IN_LESSON = {**FIRST, "toggle_pause": 4, "faster": 5, "slower": 6, "toggle_narration": 7}


class KeyBar(Widget):
    """The screen's shown bindings on one line, drawn as one widget.

    Textual's Footer mounts a widget per key and recomposes them all whenever the bindings change (every
    pause and resume here); this draws the same keys as one line of text, re-rendered instead. Keys that do not
    fit are left out from the right, except help and quit; the help screen lists them all.
    """

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover", "key-bar--palette"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        .key-bar--key { color: $footer-key-foreground; text-style: bold; }
        .key-bar--description { color: $footer-description-foreground; }
        .key-bar--hover { background: $block-hover-background; }
        .key-bar--palette { color: $footer-description-foreground; }
        &:hover { pointer: pointer; }
    }
    """

    hover: reactive[int | None] = reactive(None)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.spans: tuple[KeySpan, ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def shown_keys(self) -> tuple[list[ShownKey], ShownKey | None]:
        """The keys to show (one per action, in binding order), and the command palette's key apart."""
        app = self.app
        top = app.screen
        keys: list[ShownKey] = []
        palette: ShownKey | None = None
        if top is not self.screen:
            # A dialog over the dashboard (which it holds): its own keys, not the dashboard's, which wait.
            for key, active in top.active_bindings.items():
                binding = active.binding
                if active.node is not app and binding.show and all(k.action != binding.action for k in keys):
                    words = binding.description
                    if binding.action in DIALOG_WORDS:  # in the app's language (the command palette's is Textual's)
                        words = tr(DIALOG_WORDS[binding.action], getattr(app, "lang", "en"))
                    keys.append(ShownKey(key, app.get_key_display(binding), words, binding.action, True))
            return keys, None
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        seen: set[str] = set(getattr(app, "hidden_keys", tuple)())  # keys that act but are not shown now
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            shown = ShownKey(key, app.get_key_display(binding), binding.description, binding.action, active.enabled)
            if key == palette_key:
                # shown on the right, as Textual's footer does, though its binding says show=False; in the app's
                # language (Textual's own binding says "palette")
                lang = getattr(app, "lang", "en")
                palette = shown._replace(description=tr("key.palette", lang))
            elif binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append(shown)
        # What to press next comes first, whatever has the focus (with none, the order of the bindings put ← →
        # last, and an 80-column line dropped them in a lesson): the build view's keys, then the lesson's.
        order = IN_LESSON if any(k.action == "lesson_next" for k in keys) else FIRST
        if order is FIRST and self.screen.has_class("-short"):
            # A short screen hides the log and charts: the key that shows them comes right after add and pause.
            order = {**order, "add": len(order), "toggle_pause": len(order) + 1, "toggle_lower": len(order) + 2}
        keys.sort(key=lambda k: order.get(k.action, len(order)))
        return keys, palette

    def render(self) -> Text:
        keys, palette = self.shown_keys()
        width = self.size.width
        palette_cells = cell_len(f" ▏{palette.display} {palette.description} ") if palette else 0
        if palette is not None and palette_cells > width // 3:
            palette, palette_cells = None, 0
        room = width - palette_cells
        kept = _fit(keys, room)
        text = Text(no_wrap=True, overflow="crop", end="")
        spans: list[KeySpan] = []
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        hover_style = self.get_component_rich_style("key-bar--hover")
        for index, shown in enumerate(kept):
            start = text.cell_len
            item = Text(no_wrap=True, end="")
            item.append(f" {shown.display} ", key_style)
            item.append(f"{shown.description} ", description_style)
            if not shown.enabled:
                item.stylize("dim")
            if self.hover == index:
                item.stylize(hover_style)
            text.append_text(item)
            spans.append(KeySpan(start, text.cell_len, shown))
        if palette is not None:
            text.append(" " * max(room - text.cell_len, 0))
            start = text.cell_len
            text.append(" ▏", self.get_component_rich_style("key-bar--palette"))
            text.append(f"{palette.display} ", key_style)
            text.append(f"{palette.description} ", description_style)
            spans.append(KeySpan(start, text.cell_len, palette))
        self.spans = tuple(spans)
        return text

    def key_at(self, x: int) -> ShownKey | None:
        """The key drawn at column ``x``, if any."""
        for span in self.spans:
            if span.start <= x < span.end:
                return span.key
        return None

    def on_click(self, event: events.Click) -> None:
        shown = self.key_at(event.x)
        if shown is None:
            return
        if shown.enabled:
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        shown = self.key_at(event.x)
        self.hover = next((i for i, span in enumerate(self.spans) if span.key is shown), None) if shown else None

    def on_leave(self, event: events.Leave) -> None:
        self.hover = None


def _item_cells(shown: ShownKey) -> int:
    return cell_len(f" {shown.display} {shown.description} ")


def _fit(keys: list[ShownKey], room: int) -> list[ShownKey]:
    """The keys that fit in ``room`` cells, in order: the always-shown ones first claim their room."""
    reserved = sum(_item_cells(k) for k in keys if k.action in ALWAYS_SHOWN)
    kept: list[ShownKey] = []
    used = 0
    full = False
    for shown in keys:
        cells = _item_cells(shown)
        if shown.action in ALWAYS_SHOWN:
            kept.append(shown)
            continue
        if not full and used + cells + reserved <= room:
            kept.append(shown)
            used += cells
        else:
            # Stop at the first key that does not fit, so the line never skips one and shows a later one.
            full = True
    return kept
