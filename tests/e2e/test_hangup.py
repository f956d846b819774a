"""The console in a real terminal (a pty), as `make demo` runs it: when the terminal goes away
(an SSH session dropped, a tmux server killed) it leaves, even with no SIGHUP delivered."""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# The session leader, as make is for `make demo`: it survives the hang-up and waits for the
# console, so the kernel sends SIGHUP to the leader only and never to the console.
LEADER = """
import fcntl, os, signal, subprocess, sys, termios
fcntl.ioctl(0, termios.TIOCSCTTY, 0)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
console = subprocess.Popen(sys.argv[2:],
                           preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
with open(sys.argv[1], "w") as out:
    out.write(str(console.pid))
sys.exit(console.wait())
"""


def test_the_console_leaves_a_terminal_that_hung_up_behind_a_leader_that_stayed(tmp_path):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    pid_file = tmp_path / "console.pid"
    leader = subprocess.Popen(
        [sys.executable, "-c", LEADER, str(pid_file), sys.executable, "-m", "apiwatch", "--demo"],
        stdin=slave, stdout=slave, stderr=slave, start_new_session=True, cwd=REPO,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(slave)
    screen = bytearray()
    drawn, stop = threading.Event(), threading.Event()

    def drain() -> None:  # a terminal reads what the console writes, or the console blocks
        while not stop.is_set():
            if not select.select([master], [], [], 0.1)[0]:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            screen.extend(chunk)
            if b"Riskiest collections" in screen:
                drawn.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert drawn.wait(60), bytes(screen[-2000:]).decode("utf-8", "replace")
        console = int(pid_file.read_text())  # written before the console was even started
        stop.set()
        reader.join()
        os.close(master)  # the terminal goes away; only the leader is sent SIGHUP
        master = -1
        assert leader.wait(timeout=30) == 0  # the console left, and the leader with it
        with pytest.raises(ProcessLookupError):
            os.kill(console, 0)
    finally:
        stop.set()
        reader.join()
        if master >= 0:
            os.close(master)
        if leader.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(leader.pid, signal.SIGKILL)  # the leader and the console with it
            leader.wait()

