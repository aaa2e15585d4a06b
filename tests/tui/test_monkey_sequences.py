"""Key sequences: short runs of 20–30 keys, each at a terminal size of its own, on one dashboard after another.

A sequence starts by resizing the terminal (1×1 to 300×100, tiny sizes often) and then mixes keys pressed one by
one, keys sent in one moment (typed faster than a dialog closes), the dialogs' openers (``o``, ``a``, ``?``, the
command palette) with keys inside them, lesson steps (→ ←, also while a question waits), the lower pane's views
(Tab to its tabs, ← →, a click on a tab), a scenario typed into the open dialog (shipped names and files the
scenario fuzzer made), a trip to 1×1 and back with keys in between, and clicks. Dashboards start in English or
Korean, on a lesson's first step or a later one, paused or running, with or without the too-small notice (without
it the dialogs themselves meet the tiny sizes). After each sequence the model's invariants are checked and the app
must still run. CI runs a few sequences; ``python bench/fuzz.py`` runs 10,000.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_monkey import EVERY_KEY, FAST_PAIRS, OPENERS, SIZES, TINY_SIZES, SizedVmsimApp, send_at_once
from textual import events
from textual.drivers.headless_driver import HeadlessDriver
from textual.geometry import Size
from textual.pilot import Pilot

from vmsim.scenarios import ScenarioError, load_scenario
from vmsim.tui.app import VmsimApp

ROBUSTNESS = Path(__file__).resolve().parent.parent / "robustness"  # the scenario fuzzer's home
LESSONS = ["vm-vs-container", "ec2-drift", "density", "microvm", "image-vs-container", "build-and-ship"]
OTHERS = ["hello", "web-stack", "oom", "scale-out", "boot-storm", "cold-vs-warm", "laptop-limits", "shared-layers"]
# Sizes a sequence starts at: the tiny ones (every dialog at 1×1 and up), the usual ones, and any size at all.
TINY = [(1, 1), (1, 2), (2, 1), (2, 3), (3, 1), (5, 2), (8, 4), *TINY_SIZES]
# Keys that close what is open and then act at once, as a dialog is still closing.
CLOSE_THEN_ACT = [
    ("escape", "a"),
    ("escape", "o"),
    ("enter", "o"),
    ("enter", "question_mark"),
    ("escape", "ctrl+p"),
    ("enter", "m"),
    ("escape", "L"),
    ("enter", "right"),
    ("escape", "left"),
    ("enter", "r"),
    ("escape", "comma"),
    ("q", "a"),
]
LESSON_KEYS = ["right", "right", "left", "n", "l", "space", "r"]


#: What the sequence running now has done so far (its size, keys, resizes): printed with a failure to replay it.
TRAIL: list[str] = []
FRAMES = [0]  # how many times the driver has settled: every third gets a frame painted at once


class BareVmsimApp(VmsimApp):
    """The dashboard without its too-small notice: every dialog meets the tiny sizes itself."""

    CSS_PATH = SizedVmsimApp.CSS_PATH
    SMALL_NOTICE = False


@dataclass
class Tally:
    """What the sequences did, counted."""

    sequences: int = 0
    keys: int = 0
    resizes: int = 0
    fast: int = 0
    clicks: int = 0
    opened_files: int = 0
    quits: int = 0
    asking: int = 0  # steps taken while a lesson's question waited
    screens: dict[str, int] = field(default_factory=dict)  # steps taken with each kind of screen on top
    sizes: set[tuple[int, int]] = field(default_factory=set)

    def add(self, other: Tally) -> None:
        for name in ("sequences", "keys", "resizes", "fast", "clicks", "opened_files", "quits", "asking"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.sizes |= other.sizes
        for name, count in other.screens.items():
            self.screens[name] = self.screens.get(name, 0) + count


def a_size(rng: random.Random) -> tuple[int, int]:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(TINY)
    if roll < 0.85:
        return rng.choice(SIZES)
    return rng.randint(1, 300), rng.randint(1, 100)  # big ones among them: a frame there costs the most


async def settle(pilot: Pilot) -> None:
    """Wait until the app and its screen have handled what is queued, then paint a frame.

    What ``Pilot.pause`` does, without its waits for the process to look idle (at least 20 ms each, two per key
    in ``Pilot.press``): those make 10,000 sequences take a day. A tenth of the keys still go through
    ``Pilot.press``, timers and all.
    """
    for _ in range(2):  # a handled message often queues another (a dialog's dismissal, a swap of columns)
        await pilot._wait_for_screen()
        await asyncio.sleep(0)
    FRAMES[0] += 1
    if pilot.app.is_running and FRAMES[0] % 3 == 0:
        pilot.app.screen._on_timer_update()  # a frame every third time: painting is most of the cost


async def press(pilot: Pilot, rng: random.Random, tally: Tally, *keys: str) -> None:
    """Keys one by one, each handled before the next."""
    TRAIL.append(f"keys one by one: {' '.join(keys)}")
    if rng.random() < 0.1:
        await pilot.press(*keys)
    else:
        for key in keys:
            send_at_once(pilot.app, (key,))  # type: ignore[arg-type]
            await settle(pilot)
    tally.keys += len(keys)


async def at_once(app: VmsimApp, pilot: Pilot, tally: Tally, keys: list[str] | tuple[str, ...]) -> None:
    TRAIL.append(f"keys at once: {' '.join(keys)}")
    send_at_once(app, tuple(keys))
    await settle(pilot)
    tally.keys += len(keys)
    tally.fast += 1


async def resize(pilot: Pilot, tally: Tally, size: tuple[int, int]) -> None:
    TRAIL.append(f"resize to {size[0]}x{size[1]}")
    app = pilot.app
    if isinstance(app._driver, HeadlessDriver):
        app._driver._size = Size(*size)
    app.post_message(events.Resize(Size(*size), Size(*size)))
    await settle(pilot)
    tally.resizes += 1
    tally.sizes.add(size)


async def type_scenario(app: VmsimApp, pilot: Pilot, rng: random.Random, tally: Tally, files: list[Path]) -> None:
    """``o``, a name or a file's path typed into the dialog, then Enter (sometimes twice at once)."""
    target = str(rng.choice(files)) if files and rng.random() < 0.5 else rng.choice(LESSONS + OTHERS + ["nope"])
    if target.startswith("/"):
        tally.opened_files += 1
    await press(pilot, rng, tally, "o")
    TRAIL.append(f"typed: {target}")
    send_at_once(app, tuple(target))  # the characters of a path arrive as one paste would
    tally.keys += len(target)
    await settle(pilot)
    await at_once(app, pilot, tally, ["enter", "enter"] if rng.random() < 0.3 else ["enter"])


async def sequence(app: VmsimApp, pilot: Pilot, rng: random.Random, files: list[Path]) -> Tally:
    """One sequence: a size, then 20–30 keys."""
    tally = Tally(sequences=1)
    TRAIL.clear()
    await resize(pilot, tally, a_size(rng))
    goal = rng.randint(20, 30)
    while tally.keys < goal:
        if not app.is_running:
            break  # q (it quits the dashboard, and is sent only with a key after it): the session starts anew
        on_top = type(app.screen).__name__
        tally.screens[on_top] = tally.screens.get(on_top, 0) + 1
        if app.lesson is not None and app.lesson.asking:
            tally.asking += 1  # keys about to be pressed while a lesson's question waits
        roll = rng.random()
        if roll < 0.30:
            await press(pilot, rng, tally, *(rng.choice(EVERY_KEY) for _ in range(rng.randint(1, 4))))
        elif roll < 0.42:
            # A dialog or the palette, and keys inside it before it is (or after it is) laid out.
            keys = [rng.choice(OPENERS), *(rng.choice(EVERY_KEY) for _ in range(rng.randint(0, 4)))]
            if rng.random() < 0.5:
                await at_once(app, pilot, tally, keys)
            else:
                await press(pilot, rng, tally, *keys)
        elif roll < 0.52:
            await at_once(app, pilot, tally, rng.choice(FAST_PAIRS + CLOSE_THEN_ACT))
        elif roll < 0.62:
            # Lesson steps (a question waits on many of them), keys sent while the step changes.
            keys = [rng.choice(LESSON_KEYS) for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.5:
                await at_once(app, pilot, tally, keys)
            else:
                await press(pilot, rng, tally, *keys)
        elif roll < 0.70:
            # The lower pane's views: Tab until its tabs have the focus, then ← → through them.
            tabs = ["tab"] * rng.randint(1, 4)
            await press(pilot, rng, tally, *tabs, *(rng.choice(["left", "right"]) for _ in range(3)))
        elif roll < 0.75:
            await type_scenario(app, pilot, rng, tally, files)
        elif roll < 0.82:
            # To 1×1 and back, with keys on the way.
            back = app.size.width, app.size.height
            await resize(pilot, tally, (1, 1))
            await at_once(app, pilot, tally, [rng.choice(EVERY_KEY) for _ in range(rng.randint(1, 3))])
            await resize(pilot, tally, (back[0], back[1]))
            await press(pilot, rng, tally, rng.choice(EVERY_KEY))
        elif roll < 0.88:
            # A resize with keys queued before it lands (a dialog closing as the terminal changes).
            key = rng.choice(["escape", "enter", "a", "o", "ctrl+p", "m", "L"])
            TRAIL.append(f"key then a resize at once: {key}")
            send_at_once(app, (key,))
            tally.keys += 1
            await resize(pilot, tally, a_size(rng))
        elif roll < 0.95:
            width, height = app.size
            TRAIL.append("click")
            await pilot.click(offset=(rng.randrange(max(width, 1)), rng.randrange(max(height, 1))))
            await settle(pilot)
            tally.clicks += 1
        else:
            dt = rng.choice([0.1, 1.0, 15.0])
            TRAIL.append(f"advance {dt} s")
            app.advance(dt)
    if app.is_running:
        await pilot.pause()  # one real pause per sequence: timers and the idle-time work get their turn
    app.session.sim.check_invariants()
    if not app.is_running:
        assert app._exception is None and app.return_code == 0, "the app stopped, and not by q"
        tally.quits += 1
    return tally


def scenario_files(folder: Path, rng: random.Random, count: int) -> list[Path]:
    """Files the scenario fuzzer made that load (a dashboard opens only those; the rest are refused before)."""
    if str(ROBUSTNESS) not in sys.path:
        sys.path.append(str(ROBUSTNESS))
    import robustness_support as rs

    files: list[Path] = []
    for _ in range(count * 8):
        if len(files) >= count:
            break
        index = rng.randrange(10**6)
        path = folder / f"case-{index}.toml"
        path.write_bytes(rs.make_case(index).data)
        try:
            spec = load_scenario(str(path))
        except ScenarioError:
            if rng.random() < 0.15:
                files.append(path)  # a few refused ones too: the dialog shows their message
            else:
                path.unlink()
            continue
        if rs.within_budget(spec)[1]:
            path.unlink()  # more instances than a fuzz dashboard should draw
            continue
        files.append(path)
    return files


def make_app(rng: random.Random, folder: Path) -> VmsimApp:
    """A dashboard as a session of sequences finds it: any scenario, either language, lessons at any step."""
    lesson = rng.random() < 0.5
    name = rng.choice(LESSONS if lesson else OTHERS)
    cls = BareVmsimApp if rng.random() < 0.3 else SizedVmsimApp
    spec = load_scenario(name)
    step = rng.randint(1, len(spec.lesson) + 1) if lesson and rng.random() < 0.5 else None  # as --step takes it
    return cls(
        spec,
        paused=rng.random() < 0.8,
        animate=rng.random() < 0.25,
        export_dir=folder,
        lang=rng.choice(["en", "ko"]),
        lesson_step=step,
    )


async def run_sequences(seed: int, sequences: int, folder: Path, log: list[str] | None = None) -> Tally:
    """``sequences`` sequences on dashboards made from ``seed`` (a new one when q quit the last); raises
    whatever an app raised."""
    rng = random.Random(seed)
    files = scenario_files(folder, rng, 6)
    tally = Tally()
    while tally.sequences < sequences:
        app = make_app(rng, folder)
        async with app.run_test(size=a_size(rng)) as pilot:
            while tally.sequences < sequences and app.is_running:
                if log is not None:
                    log.append(f"seed {seed} sequence {tally.sequences} at {app.size.width}x{app.size.height}")
                tally.add(await sequence(app, pilot, rng, files))
            if app.is_running:
                await pilot.pause()
    return tally


async def test_key_sequences_never_raise(tmp_path):
    """A few sequences in CI (VMSIM_MONKEY_SEQUENCES for more; ``python bench/fuzz.py`` runs 10,000)."""
    count = int(os.environ.get("VMSIM_MONKEY_SEQUENCES", "4"))
    tally = await run_sequences(8, count, tmp_path)
    assert tally.sequences == count and tally.keys >= 20 * count and tally.resizes >= count


@pytest.mark.parametrize("seed", [3053, 3055])
async def test_the_sequences_that_closed_the_palette_under_its_search(tmp_path, seed):
    """ctrl+p and Enter in one moment: the search the palette starts as it opens ran after the palette had closed
    and raised NoMatches for its list (the fuzz's seeds 3053 and 3055, first sequence)."""
    tally = await run_sequences(seed, 1, tmp_path)
    assert tally.sequences == 1
