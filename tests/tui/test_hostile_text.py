"""The console on a snapshot read from the hostile emulator: broken markup, action markup and
escapes in names crashed the crumb, the palette, the trigger preview and toasts, or ran."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import OptionList

from apiwatch.emulator import EmulatorConfig, start_in_thread
from apiwatch.tui.screens.dialogs import ConfirmScreen

from ..conftest import until
from .conftest import FROZEN, make_app, read


@pytest.fixture(scope="module")
def hostile_snapshot():
    handle = start_in_thread(EmulatorConfig(now=FROZEN, hostile=True))
    try:
        yield read(handle)
    finally:
        handle.stop()


def crumb(app) -> str:
    return str(app.screen.query_one("Crumb").render())


async def test_detail_screens_name_hostile_things_literally(hostile_snapshot):
    app = make_app(hostile_snapshot)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.views is not None)
        for area, expect in (("3", "Alerts"), ("2", "Collections"), ("4", "Recommendations")):
            await pilot.press(area)
            await pilot.pause()
            table = app.screen.query_one("ResourceTable")
            for row in range(min(len(table.visible_rows), 12)):  # several payloads each
                table.move_cursor(row=row)
                await pilot.press("enter")
                await pilot.pause()
                assert app.is_running
                text = crumb(app)
                # the area, or the ellipsis it gave way to (the current screen is kept whole)
                assert text.startswith((expect, "…")) and "\x1b" not in text
                await pilot.press("escape")
                await pilot.pause()
        assert app.is_running


async def test_a_toast_with_broken_and_action_markup_is_text(hostile_snapshot):
    app = make_app(hostile_snapshot)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await until(pilot, lambda: app.views is not None)
        app.notify("New High alert: Shipping API[/][@click=app.quit]quit[/] \x1b]0;t\x07")
        await until(pilot, lambda: app.query("Toast"))
        toast = app.query("Toast").last()
        shown = str(toast.render())
        assert "[/][@click=app.quit]quit[/]" in shown and "␛]0;t␇" in shown
        assert app.is_running


async def test_palette_and_trigger_preview_survive_hostile_names(hostile_snapshot):
    app = make_app(hostile_snapshot)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.views is not None)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"API")
        await pilot.pause(0.5)
        assert app.is_running
        await pilot.press("escape")
        await pilot.press("3", "t")
        await until(pilot, lambda: app.screen.query(OptionList))
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert all("\x1b" not in label and "\n" not in label for label in labels)
        await pilot.press("enter")  # the first logic app that can take it: the preview
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.is_running


async def test_a_line_break_in_a_name_does_not_cut_its_row(demo_snapshot):
    first = demo_snapshot.collections[0]
    broken = replace(first, display_name="Orders\nAPI\r\n\tv2")
    snapshot = replace(demo_snapshot, collections=(broken, *demo_snapshot.collections[1:]))
    app = make_app(snapshot)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: app.views is not None)
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("ResourceTable")
        index = next(i for i, r in enumerate(table.visible_rows) if "orders" in r.haystack)
        table.move_cursor(row=index)
        await pilot.pause()
        line = table.render_line(index - int(table.scroll_offset.y) + 1).text
        # the name reads on one line, and the row's counters are still in it
        assert "Orders API v2" in line
        assert line.split("Orders API v2")[1].split()[0] == str(first.endpoints)
