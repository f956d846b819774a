"""`make setup` / `make demo` install the checkout as a user does: no warning from the build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# What setuptools' own warnings are called when pip shows the build backend's output.
BUILD_WARNINGS = ("BuildBackendWarning", "SetuptoolsDeprecationWarning", "SetuptoolsWarning",
                  "InformationOnly", "deprecated")


def test_the_editable_install_prints_no_setuptools_warning(tmp_path):
    """`project.license` as a table drew three deprecation warnings, and the flat layout's meta
    path finder one more, on every install of the checkout."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--editable", ".",
         "--prefix", str(tmp_path / "prefix")],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert not [w for w in BUILD_WARNINGS if w in output], output
    (pth,) = (tmp_path / "prefix").rglob("__editable__.apiwatch-*.pth")
    assert Path(pth.read_text().strip()) == REPO  # the checkout itself is what runs
