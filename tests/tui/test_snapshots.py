"""SVG snapshots of every screen at 80x24, the size of a jump-host terminal.
Update after an intended change with `pytest tests/tui --snapshot-update` and look at the diff."""

from __future__ import annotations

import pytest

from apiwatch.model import KEY_UNAUTHENTICATED
from apiwatch.store.views import Views

from .conftest import make_app, ready

SIZE = (80, 24)


def _row_of(app, predicate) -> int:
    table = app.screen.query_one("ResourceTable")
    return next(i for i, r in enumerate(table.visible_rows) if predicate(r))


SCREENS = {
    "overview": [],
    "collections": ["2"],
    "endpoints": ["2", "enter"],
    "endpoint_detail": ["2", "enter", "down", "enter"],
    "alerts": ["3"],
    "alert_detail": ["3", "enter"],
    "recommendations": ["4"],
    "audit": ["5"],
    "help": ["2", "question_mark"],
    "filter": ["2", "slash", *"pay"],
    "posture_exposed": ["e"],
    "marks": ["2", "enter", "space", "space"],
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(snap_compare, demo_snapshot, name):
    async def before(pilot):
        await ready(pilot)

    assert snap_compare(make_app(demo_snapshot), press=SCREENS[name], terminal_size=SIZE,
                        run_before=before)


def test_unhealthy_resources_of_a_recommendation(snap_compare, demo_snapshot):
    views = Views(demo_snapshot)
    index = next(i for i, v in enumerate(views.recommendations) if v.key == KEY_UNAUTHENTICATED)

    async def before(pilot):
        await ready(pilot)
        await pilot.press("4")
        await pilot.pause()
        pilot.app.screen.query_one("ResourceTable").move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_snapshot), terminal_size=SIZE, run_before=before)


def test_alert_with_sensitivity_context(snap_compare, demo_snapshot):
    async def before(pilot):
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        by_id = {a.id: a for a in demo_snapshot.alerts}
        row = _row_of(pilot.app, lambda r: by_id[r.key].sensitivity.present)
        pilot.app.screen.query_one("ResourceTable").move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_snapshot), terminal_size=SIZE, run_before=before)


def test_logic_app_picker_and_confirmation(snap_compare, emulator_handle):
    """The trigger flow's two dialogs, on the live emulator (the picker lists its logic apps)."""
    from apiwatch.tui.app import ApiWatchApp
    from apiwatch.tui.screens.dialogs import ConfirmScreen, PickScreen

    from .conftest import FROZEN, emulator_config

    app = ApiWatchApp(emulator_config(emulator_handle), clock=lambda: FROZEN,
                      refresh_seconds=3600)

    async def before(pilot):
        await ready(pilot)
        await pilot.press("4")
        await pilot.pause()
        views = pilot.app.views
        index = next(i for i, v in enumerate(views.recommendations)
                     if v.key == KEY_UNAUTHENTICATED)
        pilot.app.screen.query_one("ResourceTable").move_cursor(row=index)
        await pilot.press("enter", "space", "t")
        for _ in range(100):
            if isinstance(pilot.app.screen, PickScreen):
                break
            await pilot.pause(0.05)
        await pilot.press("enter")
        for _ in range(100):
            if isinstance(pilot.app.screen, ConfirmScreen):
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)  # let the dialog finish its layout on a busy machine
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
