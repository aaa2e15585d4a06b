"""Monkey test: random keys, clicks and resizes across seeds must never raise.

Two drivers: a restless student on the dashboard (sizes from 40×12 up), and every key in every screen (the
dashboard, the add/open/help dialogs, the command palette and the too-small screen) at every size from 1×1 to
300×100, with keys that arrive in one moment (Enter Enter, Escape Enter) as a fast typist sends them.
CI runs a short fixed-seed version; ``python bench/fuzz.py`` runs 10,000 keys and more.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

import vmsim.tui.app
from vmsim.scenarios import load_scenario
from vmsim.tui.app import VmsimApp
from vmsim.tui.too_small import TooSmallScreen, too_small

KEYS = [
    "a",
    "A",
    "d",
    "space",
    "n",
    "plus",
    "minus",
    "comma",
    "full_stop",
    "c",
    "m",
    "r",
    "question_mark",
    "escape",
    "enter",
    "up",
    "down",
    "tab",
    "shift+tab",
    "pageup",
    "pagedown",
    "1",
    "5",
    "backspace",
    "x",
    "o",
    "left",
    "right",
    "home",
    "end",
]
# Every other key a screen binds or a field takes (q quits, so it is pressed only at the end of a session).
MORE_KEYS = ["ctrl+p", "f1", "l", "L", "s", "e", "h", "delete", "ctrl+a", "ctrl+e", "ctrl+u", "0", "9", "slash", "y"]
EVERY_KEY = KEYS + MORE_KEYS
# Keys that open a screen over the dashboard: pressed more often, so the dialogs get their share of keys.
OPENERS = ["a", "o", "question_mark", "ctrl+p"]
# Pairs that arrive in one moment: each asked a dialog to close before the first close was done.
FAST_PAIRS = [("enter", "enter"), ("escape", "enter"), ("enter", "escape"), ("escape", "escape"), ("o", "enter")]
CHARACTERS = {"enter": "\r", "escape": "\x1b", "space": " ", "tab": "\t", "backspace": "\x7f"}
# CI profile: ~1,000 keys, clicks and resizes over three seeds. VMSIM_MONKEY_STEPS=2000 for a long run by hand.
STEPS = int(os.environ.get("VMSIM_MONKEY_STEPS", "110"))
SIZES = [(40, 12), (60, 18), (80, 24), (100, 30), (120, 36), (160, 48), (200, 60)]
TINY_SIZES = [(1, 1), (2, 3), (11, 10), (12, 5), (20, 6), (39, 11), (40, 10), (40, 12), (300, 100)]
SCENARIOS = ["hello", "web-stack", "oom", "scale-out", "ec2-drift", "vm-vs-container"]


class SizedVmsimApp(VmsimApp):
    """The dashboard as it runs (its too-small notice wired to its resizes by ``VmsimApp.on_resize``)."""

    CSS_PATH = Path(vmsim.tui.app.__file__).with_name("vmsim.tcss")  # relative paths follow the subclass


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_session_never_raises(tmp_path, seed):
    rng = random.Random(seed)
    scenario = rng.choice(["hello", "web-stack", "oom", "scale-out"])
    app = VmsimApp(load_scenario(scenario), paused=True, animate=False, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for step in range(STEPS):
            roll = rng.random()
            if roll < 0.70:
                # A burst of keys per step, as a restless student types: more keys for the same wall time.
                await pilot.press(*(rng.choice(KEYS) for _ in range(rng.randint(1, 4))))
            elif roll < 0.80:
                width, height = app.size
                await pilot.click(offset=(rng.randrange(max(width, 1)), rng.randrange(max(height, 1))))
            elif roll < 0.88:
                await pilot.resize_terminal(*rng.choice(SIZES))
            else:
                app.advance(rng.choice([0.05, 0.5, 3.0, 20.0]))
            if step % 25 == 0:
                await pilot.pause()
                app.session.sim.check_invariants()
        await pilot.pause()
        # Still alive and consistent at the end.
        app.session.sim.check_invariants()
        assert app.is_running


def send_at_once(app: VmsimApp, keys: tuple[str, ...]) -> None:
    """Queue ``keys`` without waiting between them, as keys typed faster than a frame arrive."""
    for key in keys:
        char = CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))


async def monkey(app: VmsimApp, pilot: Pilot, rng: random.Random, keys: int) -> dict[str, int]:
    """Press about ``keys`` random keys on ``app`` (dialogs opened often, sizes from 1×1 to 300×100, pairs of keys
    sent in one moment), checking the model's invariants as it goes. Returns what it did, counted."""
    done = {"keys": 0, "resizes": 0, "fast pairs": 0, "clicks": 0}
    while done["keys"] < keys:
        roll = rng.random()
        if roll < 0.55:
            burst = [rng.choice(EVERY_KEY) for _ in range(rng.randint(1, 4))]
            await pilot.press(*burst)
            done["keys"] += len(burst)
        elif roll < 0.70:
            await pilot.press(rng.choice(OPENERS))
            done["keys"] += 1
        elif roll < 0.82:
            pair = rng.choice(FAST_PAIRS)
            send_at_once(app, pair)
            await pilot.pause()
            done["keys"] += len(pair)
            done["fast pairs"] += 1
        elif roll < 0.92:
            await pilot.resize_terminal(*rng.choice(TINY_SIZES + SIZES))
            await pilot.pause()
            done["resizes"] += 1
            # The too-small screen is on top exactly while the terminal is too small (unless a screen opened
            # over it, the palette, keeps it underneath until it closes).
            if isinstance(app.screen, TooSmallScreen):
                assert too_small(*app.size), f"too-small screen shown at {app.size}"
        else:
            width, height = app.size
            await pilot.click(offset=(rng.randrange(max(width, 1)), rng.randrange(max(height, 1))))
            done["clicks"] += 1
        if done["keys"] % 40 < 4:
            app.session.sim.check_invariants()
    await pilot.pause()
    app.session.sim.check_invariants()
    return done


async def run_monkey(seed: int, keys: int, export_dir: Path) -> dict[str, int]:
    """One seeded session of ``monkey`` on a scenario the seed picks; raises whatever the app raised."""
    rng = random.Random(seed)
    app = SizedVmsimApp(load_scenario(rng.choice(SCENARIOS)), paused=True, animate=False, export_dir=export_dir)
    async with app.run_test(size=rng.choice(TINY_SIZES + SIZES)) as pilot:
        done = await monkey(app, pilot, rng, keys)
        assert app.is_running
        await pilot.press("escape", "escape", "escape")
    return done


@pytest.mark.parametrize("seed", [11, 12])
async def test_every_key_in_every_screen_at_every_size(tmp_path, seed):
    """Fixed seeds, 50 keys each in CI (VMSIM_MONKEY_KEYS for more; bench/fuzz.py runs 10,000): every dialog,
    the palette and the too-small screen, 1×1 to 300×100."""
    keys = int(os.environ.get("VMSIM_MONKEY_KEYS", "50"))
    done = await run_monkey(seed, keys, tmp_path)
    assert done["keys"] >= keys and done["resizes"] > 0 and done["fast pairs"] > 0
