"""The layers contract (pyproject.toml, [tool.importlinter]) holds, and it bites.

Each case copies the package's Python files and the config to a temporary directory, adds one
upward import there and runs `lint-imports` on the copy: it must fail and name the import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd, capture_output=True, text=True, timeout=60,
    )


def copy_of_the_tree(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "motcua", tmp_path / "motcua",
        ignore=lambda folder, names: [
            n for n in names
            if n == "__pycache__" or ((Path(folder) / n).is_file() and not n.endswith(".py"))
        ],
    )
    return tmp_path


def test_the_real_tree_keeps_the_layers():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(("module", "added", "named"), [
    # a lower app importing a higher one at the top of a module
    ("catalog/models.py", "\nimport motcua.processing.models  # noqa\n",
     "motcua.catalog.models -> motcua.processing.models"),
    # the same, lazily, inside a function
    ("catalog/selectors.py",
     "\n\ndef _upward():\n    from motcua.processing import models\n\n    return models\n",
     "motcua.catalog.selectors -> motcua.processing.models"),
    # core reaching a domain app through a module outside the layers (the test builders)
    ("core/text.py", "\n\ndef _upward():\n    import motcua.tests.builders  # noqa\n",
     "motcua.core.text -> motcua.tests.builders"),
])
def test_an_upward_import_breaks_the_contract(tmp_path, module, added, named):
    tree = copy_of_the_tree(tmp_path)
    target = tree / "motcua" / module
    target.write_text(target.read_text(encoding="utf-8") + added, encoding="utf-8")
    run = lint_imports(tree)
    assert run.returncode != 0, run.stdout
    assert "1 broken" in run.stdout
    assert named in run.stdout
