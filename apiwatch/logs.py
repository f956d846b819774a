"""Logging to a file under the platformdirs log dir (never the terminal the console draws on),
with every record passed through `redact` so no token or callback signature is ever written, and
through `safe_text` so no control sequence from Azure reaches whoever reads the log with `tail`."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from .paths import log_dir
from .redact import redact
from .safe_text import shown, shown_block

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        # One record, one line: a line break in data from Azure would forge a record of its own.
        cleaned = shown(redact(message))
        if record.exc_info:
            cleaned += "\n" + shown_block(
                redact(logging.Formatter().formatException(record.exc_info)))
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = cleaned, ()
        return True


def setup_logging(level: str | None = None) -> Path:
    """Send apiwatch's and the Azure SDK's logs to `apiwatch.log`; returns its path."""
    path = log_dir() / "apiwatch.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    chosen = (level or os.environ.get("APIWATCH_LOG_LEVEL") or "INFO").upper()
    logging.getLogger("apiwatch").setLevel(chosen)
    return path
