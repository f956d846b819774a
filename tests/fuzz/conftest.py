"""Keep hypothesis' on-disk state (its unicode cache, failure patches) out of the repository:
the fuzz tests run with `database=None`, and anything else hypothesis writes goes to the
system temp folder unless HYPOTHESIS_STORAGE_DIRECTORY says otherwise."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis.configuration import set_hypothesis_home_dir

if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "apiwatch-hypothesis")
