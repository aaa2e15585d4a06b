"""The catalogues agree with each other and with the code: the same keys and placeholders in every language,
no key the code never uses, no key the code uses that is missing; read once, only when needed."""

from __future__ import annotations

import ast
import re
import string
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import vmsim
from vmsim.text import LANGS, default_lang, msg, render, table, tr
from vmsim.text.catalogue import fill

PACKAGE = Path(vmsim.__file__).resolve().parent
# The one key whose text is data carried in each language (the drift story's package breakage): its English
# shows the English parameter and its Korean the Korean one.
OWN_PLACEHOLDERS = {"drift.broken": {"en": {"en"}, "ko": {"ko"}}}


# ------------------------------------------------------------------------------------------ the checks
def missing_keys(catalogues: Mapping[str, Mapping[str, str]]) -> dict[str, set[str]]:
    """Per language, the keys some other language has and it lacks."""
    every = set().union(*catalogues.values())
    return {lang: every - set(cat) for lang, cat in catalogues.items() if every - set(cat)}


def placeholders(template: str) -> set[str]:
    """The names of a template's ``{name}`` fields."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def placeholder_mismatches(catalogues: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, set[str]]]:
    """Keys whose placeholders differ between languages, with each language's set."""
    out = {}
    for key in set.intersection(*(set(cat) for cat in catalogues.values())):
        found = {lang: placeholders(cat[key]) for lang, cat in catalogues.items()}
        expected = OWN_PLACEHOLDERS.get(key)
        if expected is not None:
            if found != {lang: expected[lang] for lang in found}:
                out[key] = found
        elif len({frozenset(s) for s in found.values()}) > 1:
            out[key] = found
    return out


def literals_and_templates(sources: Iterable[str]) -> tuple[set[str], list[re.Pattern[str]]]:
    """Every string literal of the sources, and every key built at run time as a pattern: ``f"cat.{x}.short"``
    and ``"noun." + x`` (only those that start with a literal ``family.``)."""
    literals: set[str] = set()
    templates: list[re.Pattern[str]] = []
    for source in sources:
        tree = ast.parse(source)
        inside_fstrings = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstrings:
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else "(.+)" for v in node.values]
                if re.match(r"[a-z_]+\\\.", parts[0]):
                    templates.append(re.compile("".join(parts)))
            elif (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Add)
                and isinstance(node.left, ast.Constant)
                and isinstance(node.left.value, str)
                and re.fullmatch(r"[a-z_]+\.", node.left.value)
            ):
                templates.append(re.compile(re.escape(node.left.value) + "(.+)"))
    return literals, templates


def unused_keys(keys: Iterable[str], sources: Iterable[str]) -> set[str]:
    """Keys the code names nowhere: not as a literal, nor as a built key whose varying part is a literal
    somewhere in the code (``f"state.{inst.state}"`` uses ``state.killed`` because ``"killed"`` is a state).

    A built key whose varying part is a common word (``images.size``) passes when that word is a literal
    anywhere: the check finds keys nobody names, not every key that could never be built."""
    literals, templates = literals_and_templates(sources)

    def used(key: str) -> bool:
        if key in literals:
            return True
        for pattern in templates:
            match = pattern.fullmatch(key)
            if match and all(group in literals for group in match.groups()):
                return True
        return False

    return {key for key in keys if not used(key)}


def code_sources() -> list[str]:
    """Every Python module of the package (the catalogues' own loader included)."""
    return [p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))]


def named_keys(sources: Iterable[str]) -> set[str]:
    """Keys the code passes literally to ``tr``, ``msg`` or a reader's ``add``."""
    pattern = re.compile(r"""\b(?:tr|msg|add)\(\s*["']([a-z_]+(?:\.[\w ]+)+)["']""")
    return {m.group(1) for source in sources for m in pattern.finditer(source)}


# ------------------------------------------------------------------------------------------ the catalogues
ALL = {lang: table(lang) for lang in LANGS}


def test_every_key_is_in_every_language():
    assert len(ALL["en"]) > 250
    assert missing_keys(ALL) == {}


def test_each_key_has_the_same_placeholders_in_every_language():
    assert placeholder_mismatches(ALL) == {}


def test_every_template_formats_with_its_own_placeholders():
    broken = []
    for lang, cat in ALL.items():
        for key, template in cat.items():
            try:
                fill(template, dict.fromkeys(placeholders(template), "x"))
            except (ValueError, IndexError, KeyError) as exc:
                broken.append((lang, key, str(exc)))
    assert broken == []


def test_no_key_is_unused():
    assert unused_keys(ALL["en"], code_sources()) == set()


def test_every_key_the_code_names_exists():
    named = named_keys(code_sources())
    assert len(named) > 100, "the pattern finds the code's keys"
    assert named - set(ALL["en"]) == set()


# ------------------------------------------------------------------------------------------ the checks can fail
def test_a_key_missing_in_one_language_is_found():
    assert missing_keys({"en": {"a.b": "A", "a.c": "C"}, "ko": {"a.b": "가"}}) == {"ko": {"a.c"}}


def test_placeholders_that_differ_are_found():
    cats = {"en": {"a.b": "{n} of {m}", "a.c": "{x}"}, "ko": {"a.b": "{n} / {cap}", "a.c": "{x}"}}
    assert placeholder_mismatches(cats) == {"a.b": {"en": {"n", "m"}, "ko": {"n", "cap"}}}
    assert placeholder_mismatches({"en": {"drift.broken": "{ko}"}, "ko": {"drift.broken": "{ko}"}}) != {}


def test_an_unused_key_is_found_and_built_keys_count_as_used():
    source = 'tr("a.lit")\nkind = "killed"\ntr(f"state.{kind}")\ntr("noun." + w)\nx = f"{path}.{key}"\n'
    keys = {"a.lit", "state.killed", "state.gone", "noun.vm", "a.never"}
    # noun.vm: "vm" is no literal of this source; {path}.{key} is no family and uses nothing.
    assert unused_keys(keys, [source]) == {"state.gone", "noun.vm", "a.never"}


def test_a_key_the_code_names_but_the_catalogue_lacks_is_found():
    assert named_keys(['tr("key.add", lang)\nr.add("scenario.typo", path=p)\n']) == {"key.add", "scenario.typo"}


# ------------------------------------------------------------------------------------------ the API
def test_tr_formats_falls_back_and_names_an_unknown_key():
    assert tr("event.ready", "en", noun="VM", id="vm-1", s=3) == "VM vm-1 ready in 3 s"
    assert tr("event.ready", "ko", noun="VM", id="vm-1", s=3) == "VM vm-1 준비 완료: 3초"
    assert tr("event.ready", "fr", noun="VM", id="vm-1", s=3) == "VM vm-1 ready in 3 s"
    assert tr("no.such.key", "ko") == "no.such.key"


def test_render_renders_nested_messages_in_the_same_language():
    inner = msg("scenario.one_of", names="vm, container")
    outer = msg("scenario.got", path="worlds[1]", shown="'x'", expected=inner, hint="")
    assert render(outer, "en") == "worlds[1]: got 'x', expected one of vm, container"
    assert render(outer, "ko") == "worlds[1]: 'x', 쓸 수 없는 값이에요. 필요한 값: 다음 중 하나: vm, container"


def test_a_parameter_named_key_or_lang_is_a_parameter():
    assert tr("scenario.missing", "en", where="name", key="name") == 'name: missing; add name = "..."'


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),
        ({"LC_ALL": "", "LC_MESSAGES": "ko_KR", "LANG": "en_US"}, "ko"),
        ({}, "en"),
    ],
)
def test_default_lang_reads_the_locale_in_order(environ, lang):
    assert default_lang(environ) == lang


def test_an_unknown_language_has_no_catalogue():
    with pytest.raises(ValueError, match="no catalogue"):
        table("fr")


def test_the_catalogue_is_read_on_first_use_and_once():
    script = (
        "import sys\n"
        "import vmsim.text as t\n"
        "print(t.table.cache_info().currsize, 'tomllib' in sys.modules)\n"
        "t.tr('key.add', 'ko'); t.tr('key.quit', 'ko')\n"
        "print(t.table.cache_info().currsize, t.table.cache_info().misses)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0", "False", "1", "1"]


# ------------------------------------------------------------------------------------------ counts and nouns
def plural_fields(template: str) -> set[str]:
    """The names of a template's plural fields, ``{n:one|other}``."""
    return {name for _, name, spec, _ in string.Formatter().parse(template) if name and spec and "|" in spec}


def test_a_plural_field_picks_the_form_by_the_count():
    assert fill("{n} {n:container|containers}", {"n": 1}) == "1 container"
    assert fill("{n} {n:container|containers}", {"n": 2}) == "2 containers"
    assert fill("{n} {n:container|containers}", {"n": 0}) == "0 containers"
    assert fill("{n} {n:core|cores}", {"n": "1,000"}) == "1,000 cores"  # counts already shown as text
    assert fill("{n} {n:core|cores}", {"n": "1"}) == "1 core"
    assert fill("{n:.1f} of {m}", {"n": 0.25, "m": 3}) == "0.2 of 3"  # other fields format as str.format does


# Every English text that puts a count before a noun: the count's parameter, and what 1 and 2 must read.
COUNTED = {
    "images.shared": ("n", "1 image", "2 images"),
    "images.containers": ("n", "1 container", "2 containers"),
    "reason.vcpus": ("n", "needs 1 vCPU,", "needs 2 vCPUs,"),
    "cpu.cores": ("cores", "of 1 core", "of 2 cores"),
    "status.hardware": ("cores", "1 core,", "2 cores,"),
    "real.line": ("cores", "of 1 core", "of 2 cores"),
    "drift.set_up": ("n", "1 step done", "2 steps done"),
    "scenario.broad_events": ("broad", "1 grow or remove-all event;", "2 grow or remove-all events;"),
    "scenario.instances": ("asked", "1 instance in all", "2 instances in all"),
}


@pytest.mark.parametrize("key", sorted(COUNTED))
def test_counted_nouns_agree_with_one_and_two_in_both_languages(key):
    count, en_one, en_two = COUNTED[key]
    assert plural_fields(ALL["en"][key]) == {count}
    for lang in LANGS:
        params = dict.fromkeys(placeholders(ALL[lang][key]), "x")
        one = tr(key, lang, **{**params, count: 1})
        two = tr(key, lang, **{**params, count: 2})
        if lang == "en":
            assert en_one in one, one
            assert en_two in two, two
        else:  # Korean counts with a counter word and puts no plural ending on a counted noun
            assert "1" in one and "2" in two and "들" not in one, one


def test_no_english_text_puts_a_bare_plural_after_a_count_placeholder():
    """A field followed by a plural noun ('{n} containers') must come with a plural field, or say no count."""
    nouns = ("containers", "images", "cores", "instances", "events", "commands", "vCPUs", "VMs", "steps", "layers")
    bare = [
        key
        for key, template in ALL["en"].items()
        for noun in nouns
        if re.search(r"\{(\w+)\} " + noun + r"\b", template)
    ]
    assert bare == []


def test_every_catalog_app_is_described_in_every_language_and_english_is_the_catalogs_label():
    """The add dialog describes each app in the dashboard's language (``app.<name>``); the English text is
    the catalog's own label, so the two cannot drift apart."""
    from vmsim.engine import default_catalog

    apps = default_catalog().apps
    for lang, cat in ALL.items():
        assert {key for key in cat if key.startswith("app.")} == {f"app.{name}" for name in apps}, lang
    assert {name: ALL["en"][f"app.{name}"] for name in apps} == {name: app.label for name, app in apps.items()}
