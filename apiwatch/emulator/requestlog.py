"""A record of every request the emulator served, so tests can count calls."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    status: int  # 0 when the connection was dropped without an answer


class RequestLog:
    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.records)

    def count(
        self, method: str | None = None, match: str | None = None, status: int | None = None
    ) -> int:
        """Requests with this method, whose path matches this regex, answered with this status."""
        pattern = re.compile(match, re.IGNORECASE) if match else None
        return sum(
            1
            for r in self.records
            if (method is None or r.method == method.upper())
            and (pattern is None or pattern.search(r.path))
            and (status is None or r.status == status)
        )

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
