"""The dashboard's keys: what each does, its footer text (a key of the text catalogue) and how it is shown."""

from __future__ import annotations

# (keys, action, description key, shown in the footer, key display, priority)
KEYS: list[tuple[str, str, str, bool, str | None, bool]] = [
    # First on the line: shown only while the build view is on screen, where they are what to press.
    ("f", "build_pick", "key.build_pick", True, None, False),
    ("B", "build_rebuild", "key.build_rebuild", True, "B", False),
    ("a", "add", "key.add", True, None, False),
    ("A", "add_again", "key.add_again", True, "A", False),
    ("d", "remove", "key.remove", True, None, False),
    ("space", "toggle_pause", "key.pause", True, None, False),
    ("n", "step", "key.step", True, None, False),
    ("plus,equals_sign", "faster", "key.faster", True, "+", False),
    ("minus", "slower", "key.slower", True, "-", False),
    ("comma", "rewind", "key.rewind", True, ",", False),
    ("full_stop", "forward", "key.forward", True, ".", False),
    ("right", "lesson_next", "key.next", True, "→", True),
    ("left", "lesson_back", "key.back", True, "←", True),
    ("l", "toggle_narration", "key.lesson", True, None, False),
    ("escape", "leave_tabs", "key.leave_tabs", True, "esc", False),
    ("c", "toggle_lower", "key.lower", True, None, False),
    ("m", "toggle_microvm", "key.microvm", False, None, False),
    ("r", "restart", "key.restart", False, None, False),
    ("H", "add_host", "key.add_host", True, "H", False),
    ("x", "fail_host", "key.fail_host", True, None, False),
    ("b", "deploy_by_hand", "key.deploy_by_hand", True, None, False),
    ("i", "deploy_image", "key.deploy_image", True, None, False),
    ("o", "open", "key.open", True, None, False),
    ("s", "screenshot", "key.screenshot", False, None, False),
    ("e", "export", "key.export", False, None, False),
    ("L", "toggle_lang", "key.lang", True, "L", False),
    ("h", "toggle_real_host", "key.real", False, None, False),
    ("question_mark,f1", "help", "key.help", True, "?", False),
    ("q", "quit", "key.quit", True, None, False),
]
