"""``--step N`` opens a lesson at step N: in ``vmsim tui``, in ``vmsim LESSON`` (the default command) and in
``vmsim serve``; a step that does not exist, or a scenario without a lesson, is refused with exit 2."""

from __future__ import annotations

import pytest

from vmsim.cli import main
from vmsim.cli.main import build_parser
from vmsim.web import serve


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["tui", "ec2-drift", "--step", "9"], "has 8 steps (7 and the summary); give 1 to 8"),
        (["ec2-drift", "--step", "9"], "has 8 steps"),
        (["tui", "hello", "--step", "2"], "'hello' has no lesson; lessons: "),
        (["tui", "ec2-drift", "--step", "0"], "steps are counted from 1"),
        (["tui", "ec2-drift", "--step", "two"], "is not a step number"),
        (["serve", "ec2-drift", "--step", "12"], "has no step 12"),
        (["serve", "hello", "--step", "1"], "has no step 1"),
    ],
)
def test_a_step_that_does_not_exist_is_refused(capsys, monkeypatch, argv, needle):
    monkeypatch.setenv("VMSIM_FORCE_TUI", "1")
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusal
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and needle in err and "Traceback" not in err


def test_the_default_command_and_serve_pass_the_step_on():
    args = build_parser("tui").parse_args(["tui", "ec2-drift", "--step", "3"])
    assert args.step == 3
    served = build_parser("serve").parse_args(["serve", "ec2-drift", "--step", "3"])
    assert served.step == 3
    command = serve.guarded_command(4242, "ec2-drift", None, "--step", "3")
    assert command[-4:] == ["tui", "ec2-drift", "--step", "3"]
