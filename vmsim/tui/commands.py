"""Command palette entries: every dashboard action by name, and one 'Add <app>' per app."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Literal

from textual import events, work
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches
from textual.widgets import Button, Input, OptionList

from vmsim.session import shipped_names
from vmsim.text import tr

if TYPE_CHECKING:
    from vmsim.tui.app import VmsimApp


def _move_page_once_laid_out(self: OptionList, direction: Literal[-1, 1]) -> None:
    """``OptionList._move_page``, doing nothing until the list has lines for its options.

    Workaround for Textual 8.2.8: PageUp/PageDown in the command palette raised ``KeyError: 0`` when pressed
    before its list was laid out (just opened, or on a terminal too narrow to give it a width), because the
    page move looks the highlighted option up in a line table that is still empty.
    """
    if (self.highlighted or 0) not in self._index_to_line:
        return
    _textual_move_page(self, direction)


def _select_while_open(self: CommandPalette, event: Input.Submitted | Button.Pressed | None = None) -> None:
    """``CommandPalette._select_or_command``, only while the palette is the screen on top.

    Workaround for Textual 8.2.8: Enter pressed twice in one moment selected twice; the second ran the command
    again and dismissed the palette again, popping the dashboard (``ScreenStackError``). Once the palette has
    run its command and begun to close, it forgets the command: a second Enter, which reaches Textual's own
    handler (``@on(Input.Submitted)`` calls the unpatched method) while the palette is still on top (keys wait
    their turn, vmsim.tui.key_gate), finds none to run again.
    """
    if self.app.screen_stack[-1:] != [self] or getattr(self, "_vmsim_closing", False):
        return
    _textual_select(self, event)
    if getattr(self, "_vmsim_closing", False):
        self._selected_command = None  # (its callback is already queued)


def _dismiss_while_open(self: CommandPalette, result: None = None) -> AwaitComplete:
    """``CommandPalette.dismiss``, doing nothing once the palette is no longer on top (Enter then Escape), and
    stopping the palette's search and its "No matches found" countdown first.

    Workaround for Textual 8.2.8: the countdown (half a second after a search with no match) outlived a palette
    closed meanwhile (by vmsim when the terminal shrinks, or by Escape): firing while the palette's widgets were
    being removed, it raised ``NoMatches`` for the palette's list.
    """
    if self.app.screen_stack[-1:] != [self] or getattr(self, "_vmsim_closing", False):
        return AwaitComplete.nothing()
    self._vmsim_closing = True  # type: ignore[attr-defined]
    self._cancel_gather_commands()
    self._stop_no_matches_countdown()
    return _textual_dismiss(self, result)


async def _gather_while_open(self: CommandPalette, search_value: str) -> None:
    """``CommandPalette._gather_commands``, doing nothing once the palette has lost its list.

    Workaround for Textual 8.2.8: the search worker a palette starts as it opens can run after Enter already
    chose a command and closed it (ctrl+p then Enter in one moment, found by the key-sequence fuzz): its first
    step, finding the palette's list, raised ``NoMatches``.
    """
    if not self.is_attached or not self.query(CommandList):
        return
    try:
        await _textual_gather(self, search_value)
    except NoMatches:
        if self.is_attached and self.query(CommandList):
            raise  # the list is there: a real fault, not the palette closing under the search


# The palette is Textual's own screen (App.action_command_palette builds it), so its list is guarded here, where
# the palette's vmsim commands are defined; only the palette and its CommandList are changed.
_textual_move_page = OptionList._move_page
CommandList._move_page = _move_page_once_laid_out  # type: ignore[method-assign]
_textual_select = CommandPalette._select_or_command
CommandPalette._select_or_command = _select_while_open  # type: ignore[method-assign]
_textual_dismiss = CommandPalette.dismiss
CommandPalette.dismiss = _dismiss_while_open  # type: ignore[method-assign,assignment]
_textual_gather = CommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]
CommandPalette._gather_commands = work(  # type: ignore[method-assign]
    exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP
)(_gather_while_open)


class KeyGuards(App[None]):
    """Keys at awkward moments, for the dashboard's App (a mixin before Textual's ``App`` in its bases)."""

    async def on_event(self, event: events.Event) -> None:
        if self._exit and isinstance(event, events.Key):
            # Quitting: a key typed right after q (in one moment) would open a dialog on an app whose screens are
            # being removed, and the dialog's mount then finds none of its widgets (NoMatches).
            return
        await super().on_event(event)

    def action_command_palette(self) -> None:
        """Textual's ctrl+p, except while a palette closed a moment ago is still being removed.

        Workaround for Textual 8.2.8: it opens a palette whenever the screen on top is not one, and a second
        palette with the id of the one on its way out raised ``DuplicateIds`` (Enter in the palette, then ctrl+p).
        """
        if any(isinstance(node, CommandPalette) for node in self._nodes):  # every screen it holds, not only the top
            return
        super().action_command_palette()


# (action, title key, help key): titles and help in the dashboard's language.
ACTIONS = [
    ("toggle_pause", "palette.pause", "help.space"),
    ("step", "palette.step", "help.n"),
    ("faster", "key.faster", "help.speed"),
    ("slower", "key.slower", "help.speed"),
    ("rewind", "palette.rewind", "help.rewind"),
    ("forward", "palette.forward", "help.rewind"),
    ("remove", "palette.remove", "help.d"),
    ("toggle_microvm", "palette.microvm", "help.m"),
    ("add_host", "palette.add_host", "help.H"),
    ("fail_host", "palette.fail_host", "help.x"),
    ("deploy_by_hand", "palette.deploy_by_hand", "help.deploy"),
    ("deploy_image", "palette.deploy_image", "help.deploy"),
    ("toggle_lower", "palette.lower", "help.c"),
    ("restart", "palette.restart", "help.r"),
    ("open", "palette.open", "help.o"),
    ("screenshot", "palette.screenshot", "help.s"),
    ("export", "palette.export", "help.e"),
    ("toggle_real_host", "palette.real", "help.h"),
    ("toggle_lang", "palette.lang", "help.L"),
    ("help", "key.help", "help.help"),
]


class VmsimCommands(Provider):
    """Searchable vmsim commands for the palette (ctrl+p)."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app: VmsimApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, object, str]] = []
        lang = app.lang
        for name, a in app.catalog.apps.items():
            out.append((tr("palette.add", lang, app=name), partial(app.add_workload, name, 1), a.label))
        for action, title, help_key in ACTIONS:
            if app.check_action(action, ()) is True:
                out.append((tr(title, lang), partial(app.run_action, action), tr(help_key, lang)))
        for name in shipped_names():
            out.append((tr("palette.open_named", lang, name=name), partial(app.open_named, name), tr("help.o", lang)))
        return out

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)  # type: ignore[arg-type]
