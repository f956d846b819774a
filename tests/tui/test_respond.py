"""Acting from the console: trigger a logic app on marked resources, change alert state, sample
alerts, onboard, read-only mode — against the live emulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, OptionList

from apiwatch.config import Config
from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.model import KEY_UNAUTHENTICATED, AlertStatus, normalize
from apiwatch.tui.app import ApiWatchApp
from apiwatch.tui.screens.dialogs import ConfirmScreen, PickScreen, ProgressScreen
from apiwatch.tui.screens.recommendations import UnhealthyScreen

from ..conftest import until
from .conftest import FROZEN, make_app, ready


@pytest.fixture
async def emu():
    async with Emulator(EmulatorConfig(now=FROZEN, run_seconds=0.3, lro_seconds=0.2)) as e:
        yield e


def make(emu, **actions) -> ApiWatchApp:
    config = Config().with_azure(resource_manager=emu.url, credential="static", token=emu.token,
                                 ca_bundle=Path(emu.ca_path))
    if actions:
        config = config.with_actions(**actions)
    return ApiWatchApp(config, refresh_seconds=3600)




async def open_unhealthy(pilot, key=KEY_UNAUTHENTICATED):
    app = pilot.app
    await pilot.press("4")
    await pilot.pause()
    index = next(i for i, v in enumerate(app.views.recommendations) if v.key == key)
    app.screen.query_one("ResourceTable").move_cursor(row=index)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, UnhealthyScreen)


async def pick(pilot, name):
    options = pilot.app.screen.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    options.highlighted = next(i for i, lbl in enumerate(labels) if lbl.startswith(name))
    await pilot.press("enter")


def workflow(emu, name, sub_id):
    return next(w for w in emu.tenant.subscription(sub_id).workflows if w.name == name)


async def test_trigger_on_marked_unhealthy_resources(emu):
    app = make(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await open_unhealthy(pilot)
        table = app.screen.query_one("ResourceTable")
        # mark two resources of the first row's subscription
        first_sub = table.visible_rows[0].key.split("/")[2]
        same = [i for i, r in enumerate(table.visible_rows) if r.key.split("/")[2] == first_sub]
        for index in same[:2]:
            table.move_cursor(row=index)
            await pilot.press("space")
        marked = set(app.marks)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, PickScreen))
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        disabled = [options.get_option_at_index(i).disabled for i in range(options.option_count)]
        assert any("post-teams-message-legacy" in lbl for lbl, d in zip(labels, disabled, strict=True) if d)
        target = next(i for i, lbl in enumerate(labels) if lbl.startswith("disable-unused-endpoints"))
        options.highlighted = target
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.focused.id == "cancel"  # focus starts on Cancel
        body = str(app.screen.query("Static")[1].content)
        assert body  # rendered preview exists
        await pilot.press("tab", "enter")  # to "Trigger", press it
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        progress = app.screen
        await until(pilot, lambda: progress.final is not None, timeout=20)
        assert progress.final.outcome == "succeeded"
        assert {t.run_status for t in progress.final.targets} == {"Succeeded"}
    wf = workflow(emu, "disable-unused-endpoints", next(
        s.subscription_id for s in emu.tenant.subscriptions if s.subscription_id.lower() == first_sub.lower()))
    sent = {normalize(run.bodies[0]["properties"]["resourceDetails"]["id"]) for run in wf.runs}
    assert sent == marked


async def test_cancel_sends_nothing(emu):
    app = make(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await open_unhealthy(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("enter")  # the first selectable logic app
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")  # focus is on Cancel
        await pilot.pause()
        assert isinstance(app.screen, UnhealthyScreen)
    assert not any(run for s in emu.tenant.subscriptions for w in s.workflows for run in w.runs)
    assert app.audit.entries() == []


async def test_dismiss_from_the_alert_list_shows_at_once(emu):
    app = make(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        table = app.screen.query_one("ResourceTable")
        by_id = {a.id: a for a in app.views.snapshot.alerts}
        row = next(i for i, r in enumerate(table.visible_rows)
                   if by_id[r.key].status is AlertStatus.ACTIVE)
        table.move_cursor(row=row)
        alert_id = table.visible_rows[row].key
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen)
                    and app.screen.final is not None)
        assert app.screen.title_text == "Dismissing this alert"
        await pilot.press("escape")
        await pilot.pause()
        shown = {a.id: a for a in app.views.snapshot.alerts}[alert_id]
        assert shown.status is AlertStatus.DISMISSED
        truth = next(a for s in emu.tenant.subscriptions for a in s.alerts if a.id == alert_id)
        assert truth.status == "Dismissed"
        await pilot.press("5")
        await pilot.pause()
        rows = app.screen.query_one("ResourceTable").visible_rows
        assert rows and rows[0].cells["action"] == "alert-dismiss"


def dialog(app) -> tuple[str, list[str]]:
    """The question a confirm dialog asks, and its buttons as they read."""
    from textual.widgets import Static

    title = app.screen.query_one(".title", Static).content
    return str(title), [str(b.label) for b in app.screen.query(Button)]


async def test_confirm_dialogs_say_what_will_happen(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert dialog(app) == ("Dismiss this alert?", ["Cancel", "Dismiss"])
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("space", "space")  # two alerts marked
        asked = {}
        for key in "xpa":
            await pilot.press(key)
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            asked[key] = dialog(app)
            await pilot.press("escape")
            await pilot.pause()
        assert asked == {
            "x": ("Resolve 2 alerts?", ["Cancel", "Resolve"]),
            "p": ("Set 2 alerts in progress?", ["Cancel", "Set in progress"]),
            "a": ("Reactivate 2 alerts?", ["Cancel", "Reactivate"]),
        }


async def test_read_only_dims_and_refuses_writes(emu):
    app = make(emu, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("3", "d")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.screen.check_action("alert_state", ("dismiss",)) is None
        await pilot.press("W")  # writes on
        await pilot.pause()
        assert app.screen.check_action("alert_state", ("dismiss",)) is True
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
    writes = [r for r in emu.requests if r.method in ("POST", "PUT", "DELETE", "PATCH")
              and "Microsoft.ResourceGraph" not in r.path]  # a Graph query is a read
    assert writes == []


async def test_onboard_a_not_onboarded_api_from_collections(emu):
    app = make(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        gap = app.views.snapshot.not_onboarded[0]
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("ResourceTable")
        table.move_cursor(row=next(i for i, r in enumerate(table.visible_rows) if r.key == gap.key))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        app.screen.query_one("#confirm", Button).press()
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen)
                    and app.screen.final is not None, timeout=20)
        assert app.screen.final.ok
        await pilot.press("escape")
        await until(pilot, lambda: gap.key in app.views.snapshot.onboarded_api_keys)


async def test_sample_alerts_from_the_alerts_area(emu):
    app = make(emu)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        before = len(app.views.snapshot.alerts)
        await pilot.press("3", "M")
        await until(pilot, lambda: isinstance(app.screen, (PickScreen, ConfirmScreen)))
        if isinstance(app.screen, PickScreen):
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        app.screen.query_one("#confirm", Button).press()
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen)
                    and app.screen.final is not None, timeout=20)
        await pilot.press("escape")
        await until(pilot, lambda: len(app.views.snapshot.alerts) > before, timeout=20)
        assert any(a.display_name.startswith("[SAMPLE ALERT]") for a in app.views.snapshot.alerts)


async def test_no_secret_on_screen_in_logs_or_audit(emu, tmp_path, monkeypatch):
    from apiwatch.logs import setup_logging

    from ..actions.test_cli_actions import _issued_sigs

    monkeypatch.setenv("APIWATCH_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("APIWATCH_LOG_LEVEL", "DEBUG")
    setup_logging()
    app = make(emu)
    screens = []
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        emu.faults.add("error", count=1, match="/paths/invoke", status=500)
        for attempt in range(2):  # one failing POST, one good run
            await open_unhealthy(pilot)
            await pilot.press("t")
            await until(pilot, lambda: isinstance(app.screen, PickScreen))
            screens.append(app.export_screenshot())
            await pick(pilot, "disable-unused-endpoints")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            # the same logic app on the same resource a moment ago: asked once more
            assert app.screen.confirm == ("Trigger" if attempt == 0 else "Trigger again")
            screens.append(app.export_screenshot())
            app.screen.query_one("#confirm", Button).press()
            await until(pilot, lambda: isinstance(app.screen, ProgressScreen)
                        and app.screen.final is not None, timeout=20)
            screens.append(app.export_screenshot())
            assert app.screen.final.outcome == ("failed" if attempt == 0 else "succeeded")
            await pilot.press("escape", "escape")
            await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        screens.append(app.export_screenshot())
    secrets = await _issued_sigs(emu) | {emu.token}
    files = [p.read_bytes().decode("utf-8", "replace")
             for p in tmp_path.rglob("*") if p.is_file()]
    assert any("action" in f for f in files)  # the log and the audit log were written
    for secret in secrets:
        assert all(secret not in blob for blob in screens + files)
