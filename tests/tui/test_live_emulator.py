"""The console reading the emulator itself, through the real data layer, with no stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text

from apiwatch.config import Config
from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.model import normalize
from apiwatch.tui.app import ApiWatchApp
from apiwatch.tui.screens.endpoint import EndpointScreen
from apiwatch.tui.widgets.status import StatusLine

from .conftest import FROZEN, ready


@pytest.fixture
async def emu():
    async with Emulator(EmulatorConfig(now=FROZEN, page_size=10)) as emulator:
        yield emulator


def config_for(emu) -> Config:
    return Config().with_azure(resource_manager=emu.url, credential="static", token=emu.token,
                               ca_bundle=Path(emu.ca_path))


def status_text(app) -> str:
    content = app.screen.query_one(StatusLine).content
    return content.plain if isinstance(content, Text) else str(content)


async def test_console_reads_the_emulator_and_drills_to_an_endpoint(emu):
    app = ApiWatchApp(config_for(emu), refresh_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        truth = [a for s in emu.tenant.subscriptions if s.readable
                 for svc in s.services for a in svc.apis]
        assert {normalize(c.id) for c in app.views.snapshot.collections} == {
            normalize(a.collection_id) for a in truth if a.onboarded
        }
        await pilot.press("2", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndpointScreen)
        assert "1 scope(s) failing" in status_text(app)  # the unreadable subscription


async def test_a_failing_source_is_shown_and_the_rest_keeps_working(emu):
    emu.faults.add("error", count=None, status=503, match=r"/providers/Microsoft\.Security/alerts")
    app = ApiWatchApp(config_for(emu).with_azure(retries=0), refresh_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        failing = {f.subscription_id for f in app.views.snapshot.failures}
        assert failing == {s.subscription_id for s in emu.tenant.subscriptions}
        assert f"{len(failing)} scope(s) failing" in status_text(app)
        assert app.views.snapshot.collections  # inventory still shown
        emu.faults.clear()
        await pilot.press("r")
        await ready(pilot)
        assert app.views.snapshot.alerts
        assert "1 scope(s) failing" in status_text(app)


async def test_unreachable_azure_is_a_status_not_a_crash(emu):
    config = config_for(emu).with_azure(resource_manager="https://127.0.0.1:9", retries=0)
    app = ApiWatchApp(config, refresh_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        (failure,) = app.views.snapshot.failures
        assert failure.source == "subscriptions" and failure.message.startswith("connection failed")
        assert "subscriptions (tenant): connection failed" in status_text(app)
        for area in ("2", "3", "4", "5", "1"):  # every area still opens, empty
            await pilot.press(area)
            await pilot.pause()
        assert "connection failed" in str(app.screen.query_one("#sources").content)
