"""The console on live data: the poller reading the emulator through the real data layer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from apiwatch.config import Config, PollingSettings
from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.model import normalize
from apiwatch.tui.app import ApiWatchApp
from apiwatch.tui.screens.endpoint import EndpointScreen
from apiwatch.tui.widgets.status import StatusLine

from ..conftest import until
from .conftest import FROZEN


@pytest.fixture
async def emu():
    async with Emulator(EmulatorConfig(now=FROZEN, page_size=10)) as emulator:
        yield emulator


def config_for(emu, **azure) -> Config:
    settings = {"resource_manager": emu.url, "credential": "static", "token": emu.token,
                "ca_bundle": Path(emu.ca_path), **azure}
    config = Config().with_azure(**settings)
    # Fast polls; the floors apply to the config file, not to tests.
    return Config(azure=config.azure, polling=PollingSettings(0.2, 1.0, 1.0))


def status_text(app) -> str:
    content = app.screen.query_one(StatusLine).content
    return content.plain if isinstance(content, Text) else str(content)




def settled(app) -> bool:
    """Every source has been tried at least once."""
    from .conftest import _settled

    return _settled(app)


async def test_console_reads_the_emulator_and_drills_to_an_endpoint(emu):
    app = ApiWatchApp(config_for(emu))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: settled(app))
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
    app = ApiWatchApp(config_for(emu, retries=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: settled(app) and app.views.snapshot.collections)
        failing = {f.subscription_id for f in app.views.snapshot.failures if f.source == "alerts"}
        assert failing == {s.subscription_id for s in emu.tenant.subscriptions}
        assert f"{len(failing)} scope(s) failing" in status_text(app)
        emu.faults.clear()
        await pilot.press("r")
        await until(pilot, lambda: len(app.views.snapshot.alerts) == sum(
            len(s.alerts) for s in emu.tenant.subscriptions if s.readable))
        await until(pilot, lambda: "1 scope(s) failing" in status_text(app))


async def test_unreachable_azure_is_a_status_not_a_crash(emu):
    app = ApiWatchApp(config_for(emu, resource_manager="https://127.0.0.1:9", retries=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.views is not None and app.views.snapshot.failures)
        (failure,) = app.views.snapshot.failures
        assert failure.source == "subscriptions" and failure.message.startswith("connection failed")
        assert "subscriptions (tenant): connection failed" in status_text(app)
        assert "loading" not in status_text(app)  # a failed list is not one still to come
        for area in ("2", "3", "4", "5", "1"):  # every area still opens, empty
            await pilot.press(area)
            await pilot.pause()
        assert "connection failed" in str(app.screen.query_one("#sources").content)


def card_text(app, card: str) -> str:
    console = Console(width=60, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(card).content)
    return console.export_text()


async def test_counts_from_part_of_the_tenant_say_so_until_every_subscription_is_read(emu):
    slow = next(s for s in emu.tenant.subscriptions if s.readable)
    emu.faults.add("slow", count=None, delay_ms=3000,
                   match=f"/subscriptions/{slow.subscription_id}/providers/Microsoft.Security/alerts")
    listed = len(emu.tenant.subscriptions)
    app = ApiWatchApp(config_for(emu))
    async with app.run_test(size=(100, 30)) as pilot:
        so_far = f"loaded {listed - 1}/{listed} subscriptions so far"
        await until(pilot, lambda: app.views is not None and so_far in card_text(
            app, "#alert-counts"), what="the alert counts marked partial")
        assert f"loading alerts {listed - 1}/{listed}" in status_text(app)
        await pilot.press("2", "space")  # a mark: counted before what is still loading, which
        await pilot.pause()  # is long, and the part a narrow terminal may cut off
        line = status_text(app)
        assert line.index("1 marked") < line.index("loading alerts")
        await pilot.press("1")
        emu.faults.clear()
        await until(pilot, lambda: settled(app) and "so far" not in card_text(
            app, "#alert-counts"), what="the partial mark gone once every alert list is read")
        assert "so far" not in status_text(app)
        assert "so far" not in card_text(app, "#coverage")


async def test_nothing_is_said_to_be_loading_when_no_subscription_can_be_read(emu):
    """Tenant-wide reads (Resource Graph) are asked only for readable subscriptions: with none
    readable they never come, and the console must not wait for them on screen."""
    refused = next(s for s in emu.tenant.subscriptions if not s.readable)
    app = ApiWatchApp(config_for(emu, subscriptions=(refused.subscription_id,)))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views is not None
                    and "1 scope(s) failing" in status_text(app), what="the refusal shown")
        await until(pilot, lambda: "loading" not in status_text(app),
                    what="nothing said to be loading")
        assert "so far" not in card_text(app, "#alert-counts")


async def test_live_data_that_cannot_start_says_why_in_the_status_line(emu, tmp_path):
    """The feed stopped (here: the CA bundle is gone): the console stays up and says why."""
    app = ApiWatchApp(config_for(emu, ca_bundle=tmp_path / "gone.pem"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "live data stopped: FileNotFoundError" in status_text(app),
                    what="the reason shown")
        assert app.views is None and app.is_running
