"""The installed console (the `apiwatch` script of this environment) in a real pty.

What the engineer's terminal receives is kept twice: the raw bytes, to assert that nothing from
the data drives the terminal, and a pyte screen, to read what is drawn as the engineer reads it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import ptyprocess
import pyte

SCRIPT = Path(sys.executable).with_name("apiwatch")

# Textual's own escapes: what a console may send. Everything else that starts with ESC (or is a
# C1 control) must have come from somewhere else.
KEYS = {
    "enter": "\r", "escape": "\x1b", "tab": "\t", "space": " ", "down": "\x1b[B", "up": "\x1b[A",
    "shift+tab": "\x1b[Z",
}


def installed() -> Path:
    if not SCRIPT.exists():  # pragma: no cover - the suite runs from `make test`'s venv
        found = shutil.which("apiwatch")
        if found is None:
            raise RuntimeError("the apiwatch script is not installed in this environment")
        return Path(found)
    return SCRIPT


class Console:
    def __init__(self, args: list[str], home: Path, rows: int = 30, cols: int = 100,
                 env: dict[str, str] | None = None) -> None:
        self.home = home
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("APIWATCH_", "XDG_"))},
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_DATA_HOME": str(home / "data"),
            "APIWATCH_LOG_DIR": str(home / "logs"),
            **(env or {}),
        }
        self.raw = bytearray()
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        self.proc = ptyprocess.PtyProcess.spawn(
            [str(installed()), *args], env=self.env, dimensions=(rows, cols), cwd=str(home)
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = self.proc.read(65536)
            except EOFError:
                return
            with self._lock:
                self.raw.extend(chunk)
                self._stream.feed(chunk)

    # What is on the screen --------------------------------------------------------------

    def text(self) -> str:
        with self._lock:
            return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, predicate: str | Callable[[str], bool], timeout: float = 30.0) -> str:
        test = (lambda t: predicate in t) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if test(text):
                return text
            if not self.proc.isalive():
                raise AssertionError(f"the console ended (status {self.proc.exitstatus}):\n"
                                     f"{self.text()}\n{self.tail()}")
            time.sleep(0.1)
        raise AssertionError(f"not on screen after {timeout} s: {predicate!r}\n{self.text()}")

    def settle(self, quiet: float = 0.6, timeout: float = 10.0) -> None:
        """Wait until the console has stopped drawing for a moment."""
        deadline = time.monotonic() + timeout
        size, since = len(self.raw), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if len(self.raw) != size:
                size, since = len(self.raw), time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    def tail(self) -> str:
        log = self.home / "logs" / "apiwatch.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"

    # Keys ---------------------------------------------------------------------------------

    def press(self, *keys: str, gap: float = 0.15) -> None:
        for key in keys:
            self.proc.write(KEYS.get(key, key).encode())
            time.sleep(gap)

    def alive(self) -> bool:
        return self.proc.isalive()

    def quit(self) -> int:
        if self.proc.isalive():
            self.proc.write(b"\x03")
            deadline = time.monotonic() + 10
            while self.proc.isalive() and time.monotonic() < deadline:
                time.sleep(0.1)
        if self.proc.isalive():
            self.proc.terminate(force=True)
        self.proc.wait()
        return self.proc.exitstatus if self.proc.exitstatus is not None else -1

    # The audit log, as the engineer would read it ----------------------------------------

    def audit(self) -> list[dict]:
        import json

        out = subprocess.run(
            [str(installed()), "audit", "--json"], capture_output=True, text=True,
            env=self.env, timeout=60, cwd=str(self.home),
        )
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        return data if isinstance(data, list) else data.get("entries", data)
