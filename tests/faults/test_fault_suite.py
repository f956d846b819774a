"""The fault-injection suite: for each fault the console stays up, shows the problem, recovers by
itself after the fault ends, and loses no alert. The console runs on live data, polling fast."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text

from apiwatch.config import Config, PollingSettings
from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.model import normalize
from apiwatch.tui.app import ApiWatchApp
from apiwatch.tui.widgets.status import StatusLine

from ..conftest import until

ALERTS = r"/providers/Microsoft\.Security/alerts"


@pytest.fixture
async def emu():
    async with Emulator(EmulatorConfig(page_size=15)) as emulator:
        yield emulator


def console(emu) -> ApiWatchApp:
    azure = Config().with_azure(resource_manager=emu.url, credential="static", token=emu.token,
                                ca_bundle=Path(emu.ca_path), retries=0,
                                timeout_seconds=1).azure
    return ApiWatchApp(Config(azure=azure, polling=PollingSettings(0.2, 0.6, 1.0)))




def truth(emu) -> set[str]:
    return {normalize(a.id) for s in emu.tenant.subscriptions if s.readable for a in s.alerts}


def shown(app) -> set[str]:
    return {normalize(a.id) for a in app.views.snapshot.alerts} if app.views else set()


def alert_failures(app) -> list:
    return [f for f in app.views.snapshot.failures if f.source == "alerts" and f.status != 403]


def status(app) -> str:
    content = app.screen.query_one(StatusLine).content
    return content.plain if isinstance(content, Text) else str(content)


def healthy(app) -> bool:
    return all(h.status == "ok" for h in app.views.snapshot.health
               if h.source == "alerts" and not _locked(app, h.subscription_id))


def _locked(app, sub) -> bool:
    return any(f.status == 403 and f.subscription_id == sub and f.source == "collections"
               for f in app.views.snapshot.failures)


CASES = {
    "429-storm": (dict(kind="throttle", retry_after=1), ("429",)),
    "500": (dict(kind="error", status=500), ("500",)),
    "503": (dict(kind="error", status=503), ("503",)),
    "connection-reset": (dict(kind="reset"), ("connection",)),
    "timeout": (dict(kind="slow", delay_ms=3000), ("timed out", "timeout", "connection")),
    "malformed-json": (dict(kind="malformed"), ("not valid JSON",)),
    "endless-nextlink": (dict(kind="endless-nextlink"), ("nextLink repeated",)),
    "expired-token": (dict(kind="expired-token"), ("401", "az login")),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_fault_is_shown_survived_and_recovered_from(emu, case):
    fault, words = CASES[case]
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views is not None and shown(app) == truth(emu)
                    and healthy(app), what="first full read")
        emu.faults.add(count=None, match=ALERTS, **fault)
        arrived = await emu.add_alerts(2)  # alerts keep coming while reads fail
        await until(pilot, lambda: alert_failures(app), what="the problem shown")
        message = alert_failures(app)[0].message
        assert any(w in message for w in words), message
        assert "scope(s) failing" in status(app)
        await pilot.press("3")  # the console still works: the alert list is there
        await pilot.pause()
        assert app.screen.query_one("ResourceTable").visible_rows
        assert not app._exit

        emu.faults.clear()
        arrived += await emu.add_alerts(1)
        await until(pilot, lambda: {normalize(a.id) for a in arrived} <= shown(app)
                    and shown(app) == truth(emu) and healthy(app), what="recovery")
        ids = [a.id for a in app.views.snapshot.alerts]
        assert len(ids) == len(set(ids))  # no duplicates


async def test_unknown_enum_values_are_shown_not_fatal(emu):
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views is not None and shown(app) == truth(emu))
        emu.faults.add("unknown-enum", count=None, match=ALERTS)
        await until(pilot, lambda: any(not a.severity.known for a in app.views.snapshot.alerts))
        assert not alert_failures(app)
        await pilot.press("3")
        await pilot.pause()
        cells = [str(r.cells["severity"]) for r in app.screen.query_one("ResourceTable").visible_rows]
        odd = {a.severity.value for a in app.views.snapshot.alerts if not a.severity.known}
        assert odd & set(cells)  # the unknown value is shown as Azure sent it
        emu.faults.clear()
        await until(pilot, lambda: all(a.severity.known for a in app.views.snapshot.alerts))


async def test_403_on_one_subscription_keeps_the_others(emu):
    app = console(emu)
    sub = next(s for s in emu.tenant.subscriptions if s.readable)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views is not None and shown(app) == truth(emu))
        read = {h.source for h in app.views.snapshot.health
                if h.subscription_id == sub.subscription_id and h.fetched_at is not None}
        emu.faults.add("forbidden", count=None, match=f"/subscriptions/{sub.subscription_id}/")
        await until(pilot, lambda: any(f.subscription_id == sub.subscription_id and f.status == 403
                                       for f in app.views.snapshot.failures))
        assert shown(app) == truth(emu)  # its last good data is kept, the others untouched
        mine = [h for h in app.views.snapshot.health if h.subscription_id == sub.subscription_id]
        # what had been read is kept and marked stale; a source slower to poll (automations) may
        # meet the 403 before its first read: it has nothing to keep, and must not say ok
        assert read and all(h.stale or h.status == "ok" for h in mine if h.source in read)
        assert all(h.status != "ok" for h in mine if h.source not in read and h.last_error)
        emu.faults.clear()
        await until(pilot, lambda: not any(f.subscription_id == sub.subscription_id
                                           for f in app.views.snapshot.failures))


async def test_emulator_stopped_and_restarted(emu):
    app = console(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views is not None and shown(app) == truth(emu)
                    and healthy(app))
        await emu.stop()
        await until(pilot, lambda: alert_failures(app), what="the outage shown")
        assert "connection" in alert_failures(app)[0].message
        assert shown(app) == truth(emu)  # last good data still on screen
        await emu.start()
        arrived = await emu.add_alerts(2)
        await until(pilot, lambda: {normalize(a.id) for a in arrived} <= shown(app)
                    and healthy(app), what="recovery after restart", timeout=40)
