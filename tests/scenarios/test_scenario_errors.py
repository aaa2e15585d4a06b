"""Bad scenario files: each message names the file, the key path, the bad value, and what was expected."""

from __future__ import annotations

import pytest

from vmsim.scenarios import ScenarioError, build_simulation, load_scenario

GOOD_EVENTS = '[[events]]\nat_s = 0\nadd = "nginx"\n\n[[events]]\nat_s = 1\nadd = "redis"\n\n'


def write(tmp_path, text: str | bytes, name: str = "bad.toml") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def problem(tmp_path, text: str | bytes, name: str = "bad.toml") -> tuple[str, ScenarioError]:
    path = write(tmp_path, text, name)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert path in message, "the message must name the file"
    assert info.value.source == path
    assert "Traceback" not in message
    return message, info.value


def line_for(message: str, key_path: str) -> str:
    lines = [line for line in message.splitlines() if f": {key_path}:" in line or f": {key_path} " in line]
    assert lines, f"no line about {key_path!r} in:\n{message}"
    return lines[0]


def test_event_error_names_the_key_path_value_and_expectation(tmp_path):
    msg, err = problem(tmp_path, 'name = "x"\n' + GOOD_EVENTS + '[[events]]\nat_s = 2\nadd = "nginx"\ncount = 0\n')
    line = line_for(msg, "events[2].count")
    assert "got 0" in line
    assert "expected a whole number from 1" in line
    assert len(err.problems) == 1


def test_misspelled_key_gets_a_suggestion(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\nduraton_s = 30\n')
    line = line_for(msg, "duraton_s")
    assert "unknown key" in line and "did you mean 'duration_s'?" in line


def test_misspelled_key_inside_a_table_names_its_path(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\n[vm]\nmemory_mb = 2048\n')
    line = line_for(msg, "vm.memory_mb")
    assert "did you mean 'memory_mib'?" in line


def test_misspelled_app_gets_a_suggestion(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\n' + GOOD_EVENTS + '[[events]]\nat_s = 3\nadd = "ngnix"\n')
    line = line_for(msg, "events[2].add")
    assert "got 'ngnix'" in line and "expected an app name" in line and "did you mean 'nginx'?" in line


def test_misspelled_world_preset_guest_and_cached_image_get_suggestions(tmp_path):
    text = (
        'name = "x"\nworlds = ["vm", "contaner"]\n[host]\npreset = "laptp"\n[vm]\nguest_os = "ubuntu-24.4"\n'
        '[container]\ncached_images = ["postgress"]\n'
    )
    msg, err = problem(tmp_path, text)
    assert "did you mean 'container'?" in line_for(msg, "worlds[1]")
    assert "did you mean 'laptop'?" in line_for(msg, "host.preset")
    assert "did you mean 'ubuntu-24.04'?" in line_for(msg, "vm.guest_os")
    assert "did you mean 'postgres'?" in line_for(msg, "container.cached_images[0]")
    assert len(err.problems) == 4  # every problem at once, not just the first


def test_toml_syntax_error(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\nseed = = 3\nworlds = ["vm"]\n')
    assert "not valid TOML" in msg
    assert "line 2" in msg


def test_invalid_utf8(tmp_path):
    msg, _ = problem(tmp_path, b'name = "x"\ndescription = "caf\xe9"\n')
    assert "not UTF-8" in msg
    assert "line 2" in msg


def test_file_over_one_mib(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\n# ' + "x" * (1 << 20) + "\n")
    assert "1 MiB" in msg


def test_file_of_exactly_one_mib_is_accepted(tmp_path):
    head = 'name = "x"\n#'
    text = head + "x" * ((1 << 20) - len(head) - 1) + "\n"
    assert len(text.encode()) == 1 << 20
    assert load_scenario(write(tmp_path, text)).name == "x"


def test_a_directory(tmp_path):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(ScenarioError, match="folder") as info:
        load_scenario(str(folder))
    assert str(folder) in str(info.value)


def test_a_missing_file(tmp_path):
    path = str(tmp_path / "nope.toml")
    with pytest.raises(ScenarioError, match="not found") as info:
        load_scenario(path)
    assert path in str(info.value)


def test_an_unknown_scenario_name_suggests_a_shipped_one():
    with pytest.raises(ScenarioError) as info:
        load_scenario("helo")
    msg = str(info.value)
    assert "helo" in msg and "no such scenario" in msg and "did you mean 'hello'?" in msg
    assert "web-stack" in msg  # the choices are listed


@pytest.mark.parametrize(
    ("text", "key_path", "shown", "expected"),
    [
        ("seed = true", "seed", "True", "a whole number"),
        ("duration_s = false", "duration_s", "False", "a number"),
        ("[vm]\nmemory_mib = true", "vm.memory_mib", "True", "a number"),
        ("[vm]\nksm = 1", "vm.ksm", "1", "true or false"),
        ("[vm]\noverride_ratio = 2", "vm.override_ratio", "unknown key", "overcommit_ratio"),
        ("duration_s = nan", "duration_s", "nan", "a number"),
        ("duration_s = inf", "duration_s", "inf", "a number"),
        ("[vm]\nmemory_mib = -inf", "vm.memory_mib", "-inf", "a number"),
        ("duration_s = 0", "duration_s", "0", "above 0"),
        ("seed = -1", "seed", "-1", "a whole number from 0"),
        ("[host]\ncpu_cores = 2.5", "host.cpu_cores", "2.5", "a whole number"),
        ("[container]\nregistry_mbps = 0", "container.registry_mbps", "0", "from 0.001"),
        ('[container]\ncached_images = "nginx"', "container.cached_images", "'nginx'", "a list"),
        ('worlds = "vm"', "worlds", "'vm'", "a list"),
        ('worlds = ["vm", "vm"]', "worlds", "['vm', 'vm']", "each world at most once"),
        ("worlds = []", "worlds", "[]", "at least one"),
        ("host = 3", "host", "3", "a table"),
        ('events = "soon"', "events", "'soon'", "an array of tables"),
        ('[[events]]\nat_s = 0\nadd = "nginx"\ncount = -3', "events[0].count", "-3", "a whole number from 1"),
        ('[[events]]\nat_s = 0\nadd = "nginx"\ncount = 1.5', "events[0].count", "1.5", "a whole number"),
        ('[[events]]\nat_s = -1\nadd = "nginx"', "events[0].at_s", "-1", "a number from 0"),
        ("[[events]]\nat_s = 0\nadd = 5", "events[0].add", "5", "a string"),
        ('[[events]]\nat_s = 0\ngrow = "redis"\nmemory_mib = -5', "events[0].memory_mib", "-5", "above 0"),
        ('[[events]]\nat_s = 0\nremove = "nginx-x"', "events[0].remove", "'nginx-x'", "an instance id"),
    ],
)
def test_bad_values(tmp_path, text, key_path, shown, expected):
    msg, _ = problem(tmp_path, 'name = "x"\n' + text + "\n")
    line = line_for(msg, key_path)
    assert shown in line
    assert expected in line


def test_event_with_two_verbs(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\n[[events]]\nat_s = 0\nadd = "nginx"\nremove = "nginx"\n')
    line = line_for(msg, "events[0]")
    assert "exactly one of add, remove, grow, fault, deploy" in line and "found add, remove" in line


def test_event_without_verb_or_time(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\n[[events]]\ncount = 2\n')
    assert "events[0].at_s: missing" in msg
    assert "found none" in line_for(msg, "events[0]")


def test_grow_without_memory_and_count_on_grow(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\n[[events]]\nat_s = 0\ngrow = "redis"\ncount = 2\n')
    assert "missing" in line_for(msg, "events[0].memory_mib")
    assert "only goes with add" in line_for(msg, "events[0].count")


def test_missing_name(tmp_path):
    msg, _ = problem(tmp_path, "seed = 1\n")
    assert "missing" in line_for(msg, "name")


def test_host_memory_no_larger_than_the_host_os(tmp_path):
    msg, _ = problem(tmp_path, 'name = "x"\n[host]\npreset = "laptop"\nmemory_gib = 1\n')
    line = line_for(msg, "host.memory_gib")
    # In the unit the file used: the laptop's OS (1,536 MiB) and the container runtime (110 MiB) in GiB.
    assert "got 1," in line and "more than the host's own 1.61 GiB (1,536 MiB OS + 110 MiB" in line
    msg, _ = problem(tmp_path, 'name = "x"\n[host]\npreset = "laptop"\nmemory_mib = 1000\n')
    assert "got 1000, expected more than the host's own 1,646 MiB (1,536 MiB OS" in line_for(msg, "host.memory_mib")


def test_host_disk_smaller_than_the_host_os_is_refused(tmp_path):
    # The laptop's host OS alone takes 25 GiB of disk: a 10 GiB disk cannot be simulated honestly
    # (the run would show the disk over capacity and "-15,360 MiB free").
    msg, _ = problem(tmp_path, 'name = "x"\n[host]\npreset = "laptop"\ndisk_gib = 10\n')
    line = line_for(msg, "host.disk_gib")
    assert "got 10" in line


def test_every_accepted_file_builds_a_simulation_whose_books_balance(tmp_path):
    # Whatever the loader accepts must give a simulation whose invariants hold at t = 0.
    text = (
        'name = "x"\n[host]\npreset = "small-cloud"\ndisk_gib = 3.5\n[vm]\nimage_cached = true\n'
        '[container]\ncached_images = ["postgres", "java-spring"]\n'
    )
    path = write(tmp_path, text)
    try:
        spec = load_scenario(path)
    except ScenarioError as exc:
        assert "host.disk_gib" in str(exc)
        return
    build_simulation(spec).check_invariants()


def test_every_problem_reads_in_korean_too(tmp_path):
    """Each problem of a scenario file has its Korean; the English stays the contract of str()."""
    from vmsim.scenarios import ScenarioError, load_scenario

    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "x"\nseed = -1\nworlds = ["vm", "contaner"]\n[vm]\nmemori_mib = 5\n'
        '[[events]]\nat_s = 0\nadd = "ngnix"\ncount = 0\n[[lesson]]\ntext.fr = "bonjour"\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(bad))
    english, korean = info.value.text("en").splitlines(), info.value.text("ko").splitlines()
    assert str(info.value).splitlines() == english
    assert len(english) == len(korean) >= 6
    for en, ko in zip(english, korean, strict=True):
        assert en.split(": ")[0] == ko.split(": ")[0], "the same file and key path lead each line"
        assert en != ko and any("\uac00" <= ch <= "\ud7a3" for ch in ko), f"no Korean in {ko!r}"
    assert "'nginx'" in info.value.text("ko") and "'container'" in info.value.text("ko")


def test_the_cli_speaks_the_locales_language(tmp_path):
    import os
    import subprocess
    import sys

    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[events]]\nat_s = 0\nadd = "ngnix"\n', encoding="utf-8")
    env = {**os.environ, "LANG": "ko_KR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "vmsim", "validate", str(bad)], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 2
    assert "앱 이름" in proc.stderr and "'nginx'" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('name = "evil\\u001b]0;pwned\\u0007"\n', "name: a terminal control character (U+001B) at character 5"),
        ('name = "x"\ndescription = "clip\\u009b2J"\n', "description: a terminal control character (U+009B)"),
        (
            'name = "x"\n[[lesson]]\ntitle.en = "t"\ntext.en = "a\\u001b]52;c;AAAA\\u0007"\n',
            "lesson[0].text.en: a terminal control character (U+001B)",
        ),
    ],
)
def test_terminal_control_characters_in_file_text_are_refused(tmp_path, text, where):
    """Text from a file reaches terminals (vmsim run's table, reports to stdout, the dashboard): an escape
    sequence there could retitle the window or write the clipboard (OSC 52), so the file is refused."""
    path = tmp_path / "evil.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    assert where in str(err.value)
    assert "\x1b" not in str(err.value) and "\x9b" not in str(err.value)


def test_newlines_and_tabs_stay_allowed_in_lesson_texts(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text('name = "x"\n[[lesson]]\ntitle.en = "t"\ntext.en = "line one\\n\\tline two"\n', encoding="utf-8")
    assert load_scenario(str(path)).lesson[0].text["en"] == "line one\n\tline two"


@pytest.mark.parametrize("bad", ["0", "32", "1.5", '"two"'])
def test_container_networks_must_be_a_whole_number_from_1_to_31(tmp_path, bad):
    msg, err = problem(tmp_path, f'name = "x"\n[container]\nnetworks = {bad}\n')
    line = line_for(msg, "container.networks")
    assert "1" in line and "31" in line
    assert len(err.problems) == 1


def test_container_networks_reaches_the_simulation(tmp_path):
    path = write(tmp_path, 'name = "x"\n[container]\nnetworks = 3\n', "good.toml")
    spec = load_scenario(path)
    assert spec.container.networks == 3
    assert dict(build_simulation(spec).fit("nginx")["container"].limits)["network"] == 3 * 1023


def test_a_huge_unknown_key_is_named_by_its_first_characters(tmp_path):
    path = tmp_path / "long.toml"
    path.write_text('name = "x"\n' + "k" * 900_000 + " = 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    text = caught.value.text("en")
    assert len(text) < 1_000 and "(900,000 characters): unknown key" in text
