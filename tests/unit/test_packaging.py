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
    # Into a venv of its own: `pip install --prefix` would first uninstall this environment's
    # apiwatch (it found it on sys.path), leaving the suite's later tests without the script.
    target = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True,
                   timeout=120)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"), "install",
         "--quiet", "--no-deps", "--editable", "."],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert not [w for w in BUILD_WARNINGS if w in output], output
    (pth,) = target.rglob("__editable__.apiwatch-*.pth")
    assert Path(pth.read_text().strip()) == REPO  # the checkout itself is what runs
    assert Path(sys.executable).with_name("apiwatch").exists()  # this environment's is intact
