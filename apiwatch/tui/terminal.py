"""Whether the terminal the console draws on is still there.

SIGHUP reaches the console only when it leads its session, or when the leader exits: behind a
leader that survives the hang-up (`make demo`, some wrappers and multiplexers), a dropped SSH
session or a killed tmux server left the console running with no screen, polling ARM and
spinning a core (Textual's input thread reads end-of-file from a hung-up terminal forever). A
hung-up terminal answers every terminal request with EIO, so asking it now and then tells.
"""

from __future__ import annotations

import errno
import os
import sys

try:
    import termios
except ImportError:  # not a POSIX system: no hang-up to see this way
    termios = None  # type: ignore[assignment]

_GONE = frozenset({errno.EIO, errno.ENXIO, errno.EBADF})


class Terminal:
    def __init__(self, fd: int | None) -> None:
        self.fd = fd

    @classmethod
    def of_stdin(cls) -> Terminal:
        """The terminal Textual reads keys from, or none (piped, or not POSIX)."""
        stdin = sys.__stdin__
        if termios is None or stdin is None:
            return cls(None)
        try:
            fd = stdin.fileno()
        except (OSError, ValueError):
            return cls(None)
        return cls(fd if os.isatty(fd) else None)

    def hung_up(self) -> bool:
        if self.fd is None or termios is None:
            return False
        try:
            termios.tcgetattr(self.fd)
        except termios.error as exc:
            return bool(exc.args) and exc.args[0] in _GONE
        return False
