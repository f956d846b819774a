"""Running the emulator on its own event loop in a daemon thread (the demo console uses this)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from pathlib import Path

from .config import EmulatorConfig
from .faults import Faults
from .gateway import Probe
from .requestlog import RequestLog
from .server import Emulator
from .tenant import Alert, Tenant


class EmulatorThread:
    """The same attributes as Emulator, plus stop(); the server never shares the caller's loop."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._emulator = Emulator(config)
        self._loop = asyncio.new_event_loop()
        self._ready: Future[None] = Future()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="apiwatch-emulator", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._emulator.start())
        except BaseException as exc:  # hand start-up failures to the caller's thread
            self._ready.set_exception(exc)
            self._loop.close()
            return
        self._ready.set_result(None)
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._emulator.__aexit__(None, None, None))
            self._loop.close()
            self._stopped.set()

    def start(self, timeout: float = 30.0) -> EmulatorThread:
        self._thread.start()
        self._ready.result(timeout)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive() and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)

    def add_alerts(self, n: int = 1, subscription_id: str | None = None) -> list[Alert]:
        future = asyncio.run_coroutine_threadsafe(
            self._emulator.add_alerts(n, subscription_id), self._loop
        )
        return future.result(10)

    def invalidate(self) -> None:
        """After changing `tenant` objects in place by hand (Emulator.invalidate)."""
        async def invalidate() -> None:
            self._emulator.invalidate()

        asyncio.run_coroutine_threadsafe(invalidate(), self._loop).result(10)

    @property
    def url(self) -> str:
        return self._emulator.url

    @property
    def ca_path(self) -> Path:
        return self._emulator.ca_path

    @property
    def token(self) -> str:
        return self._emulator.token

    @property
    def tenant(self) -> Tenant:
        return self._emulator.tenant

    @property
    def faults(self) -> Faults:
        return self._emulator.faults

    @property
    def requests(self) -> RequestLog:
        return self._emulator.requests

    @property
    def probes(self) -> list[Probe]:
        return self._emulator.probes

    @property
    def config(self) -> EmulatorConfig:
        return self._emulator.config

    def __enter__(self) -> EmulatorThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(config: EmulatorConfig | None = None) -> EmulatorThread:
    """Start an emulator in a daemon thread with its own event loop; returns once it listens."""
    return EmulatorThread(config or EmulatorConfig()).start()
