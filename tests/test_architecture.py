"""The engine stays free of user-interface libraries, and a headless run never loads them."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import vmsim

UI_LIBRARIES = ("textual", "plotext", "rich")
PACKAGE = Path(vmsim.__file__).resolve().parent


def test_headless_run_never_imports_ui_libraries(tmp_path):
    script = textwrap.dedent(
        """
        import io, json, sys
        from contextlib import redirect_stdout
        from vmsim.cli import main

        buf = io.StringIO()
        with redirect_stdout(buf):
            code = main(["run", "hello", "--format", "json"])
        json.loads(buf.getvalue())
        loaded = sorted({name.split(".")[0] for name in sys.modules} & {"textual", "plotext", "rich"})
        print(json.dumps({"code": code, "loaded": loaded}))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "loaded": []}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_engine_modules_do_not_import_ui_libraries():
    files = sorted((PACKAGE / "engine").rglob("*.py"))
    assert len(files) >= 10
    offenders = {str(f.relative_to(PACKAGE)): sorted(imported_roots(f) & set(UI_LIBRARIES)) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_engine_modules_do_not_import_the_tui_or_cli():
    for f in sorted((PACKAGE / "engine").rglob("*.py")):
        text = f.read_text(encoding="utf-8")
        assert "vmsim.tui" not in text and "vmsim.cli" not in text, f


def test_headless_layers_do_not_import_ui_libraries_at_module_level():
    for f in [
        *sorted((PACKAGE / "scenarios").rglob("*.py")),
        *sorted((PACKAGE / "output").rglob("*.py")),
        *sorted((PACKAGE / "cli").rglob("*.py")),
    ]:
        tree = ast.parse(f.read_text(encoding="utf-8"))
        top = set()
        for node in tree.body:
            if isinstance(node, ast.Import):
                top.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                top.add(node.module.split(".")[0])
                if node.module.startswith("vmsim.tui"):
                    top.add("vmsim.tui")
        assert not top & {*UI_LIBRARIES, "vmsim.tui"}, f


def test_the_drift_model_loads_on_the_first_deploy_not_with_the_engine(tmp_path):
    # The drift model (its data file, hashlib, its classes) is a few milliseconds of every dashboard start; a
    # scenario that deploys nothing never needs it.
    script = textwrap.dedent(
        """
        import json, sys
        from vmsim.scenarios import load_scenario
        from vmsim.session import run_headless

        run_headless(load_scenario("hello"), until_s=5)
        before = "vmsim.engine.drift" in sys.modules
        run_headless(load_scenario("servers-multiply"), until_s=60)
        print(json.dumps([before, "vmsim.engine.drift" in sys.modules]))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [False, True]
