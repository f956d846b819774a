"""The console driven with the keyboard, as an on-call engineer would."""

from __future__ import annotations

import os
import signal
from dataclasses import replace

import pytest
from rich.console import Console
from rich.text import Text
from textual.geometry import Region
from textual.widgets import Footer

from apiwatch.config import Config, UiSettings
from apiwatch.store.queries import POSTURE_QUERIES
from apiwatch.store.views import Views
from apiwatch.tui.screens.alerts import AlertScreen, AlertsScreen
from apiwatch.tui.screens.endpoint import EndpointScreen
from apiwatch.tui.screens.help import HelpScreen
from apiwatch.tui.screens.inventory import CollectionsScreen, EndpointsScreen
from apiwatch.tui.screens.overview import OverviewScreen
from apiwatch.tui.screens.recommendations import UnhealthyScreen
from apiwatch.tui.widgets.status import Crumb, StatusLine
from apiwatch.tui.widgets.table import ResourceTable

from ..conftest import until
from .conftest import make_app, ready


def crumb(app) -> str:
    return str(app.screen.query_one(Crumb).content)


def status(app) -> str:
    content = app.screen.query_one(StatusLine).content
    return content.plain if isinstance(content, Text) else str(content)


def table(app, selector: str | None = None) -> ResourceTable:
    return app.screen.query_one(selector or ResourceTable)


def cell_text(value) -> str:
    return value.plain if isinstance(value, Text) else str(value)


async def test_number_keys_switch_areas_each_with_its_own_stack(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert crumb(app) == "Overview"
        for key, title in [("2", "Collections"), ("3", "Alerts"), ("4", "Recommendations"),
                           ("5", "Audit"), ("1", "Overview")]:
            await pilot.press(key)
            await pilot.pause()
            assert crumb(app) == title
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EndpointsScreen)
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, AlertsScreen)
        await pilot.press("2")  # back in Collections: its stack was kept
        await pilot.pause()
        assert isinstance(app.screen, EndpointsScreen)


async def test_collections_list_every_collection_and_the_not_onboarded(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await pilot.pause()
        rows = table(app).visible_rows
        keys = {r.key for r in rows}
        assert {c.api_key for c in demo_snapshot.collections} <= keys
        gap = [r for r in rows if r.key in {a.key for a in demo_snapshot.not_onboarded}]
        assert gap and all("not onboarded" in cell_text(r.cells["name"]) for r in gap)


async def test_drill_down_collection_endpoint_detail_and_back(demo_snapshot):
    app = make_app(demo_snapshot)
    views = Views(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await pilot.pause()
        first = table(app).visible_rows[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndpointsScreen)
        endpoints = table(app).visible_rows
        assert {r.key for r in endpoints} == {e.endpoint.key for e in views.endpoints_by_api[first.key]}
        assert crumb(app).startswith("Collections › ")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndpointScreen)
        view = views.endpoints_by_key[endpoints[0].key]
        assert crumb(app).endswith(view.label)
        recs = table(app, "#recs").visible_rows
        assert {r.key for r in recs} == {r.id for r in view.recommendations}
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, CollectionsScreen)


async def test_alerts_newest_first_and_detail_shows_context(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        rows = table(app).visible_rows
        times = [a.time_generated for a in sorted(demo_snapshot.alerts, key=lambda a: a.time_generated, reverse=True)]
        by_id = {a.id: a for a in demo_snapshot.alerts}
        assert [by_id[r.key].time_generated for r in rows] == times
        with_context = next(i for i, r in enumerate(rows) if by_id[r.key].sensitivity.present)
        table(app).move_cursor(row=with_context)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AlertScreen)
        console = Console(width=100, record=True)
        console.print(app.screen.query_one("#alert").content)
        out = console.export_text()
        alert = by_id[rows[with_context].key]
        for needle in ("Description", "MITRE tactics", "Sensitivity context", "Entities",
                       "Remediation", "Extended properties", alert.sensitivity.top_label,
                       *alert.tactics):
            assert needle in out


async def test_new_alerts_are_marked_until_looked_at(demo_snapshot):
    latest = max(demo_snapshot.alerts, key=lambda a: a.time_generated)
    earlier = replace(demo_snapshot, alerts=tuple(a for a in demo_snapshot.alerts if a is not latest))
    app = make_app([earlier, demo_snapshot])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.unseen_alert_count == 0  # the first read is the baseline
        await pilot.press("r")
        await ready(pilot)
        assert app.unseen_alerts() == {latest.id.lower()}
        assert "1 new alert" in status(app)
        assert app.title == "apiwatch (1 new)"
        await pilot.press("3")
        await pilot.pause()
        top = table(app).visible_rows[0]
        assert top.key == latest.id and cell_text(top.cells["new"]) == "new"
        await pilot.press("1")  # leaving the list counts as having looked
        await pilot.pause()
        assert app.unseen_alert_count == 0


async def test_recommendation_to_unhealthy_resources_to_endpoint(demo_snapshot):
    app = make_app(demo_snapshot)
    views = Views(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        await pilot.pause()
        rows = table(app).visible_rows
        assert [r.key for r in rows] == [v.key for v in views.recommendations]
        target = next(i for i, v in enumerate(views.recommendations)
                      if v.key == "91af2040-7874-4659-abf0-578e1f8d07dc")
        table(app).move_cursor(row=target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnhealthyScreen)
        unhealthy = views.recommendations[target].unhealthy
        assert {r.key for r in table(app).visible_rows} == {u.resource_key for u in unhealthy}
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndpointScreen)
        assert crumb(app).startswith("Recommendations › API endpoints in Azure API Management should be authenticated › ")


async def test_filter_inverts_and_clears(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await pilot.pause()
        total = len(table(app).visible_rows)
        name = cell_text(table(app).visible_rows[0].cells["name"])
        word = name.split()[0].lower()
        await pilot.press("slash", *word)
        await pilot.pause()
        kept = table(app).visible_rows
        assert kept and all(word in " ".join(r.text()).lower() for r in kept)
        await pilot.press("home")
        app.screen.query_one("#filter").value = "!" + word
        await pilot.pause()
        inverted = table(app).visible_rows
        assert len(inverted) == total - len(kept)
        assert all(word not in " ".join(r.text()).lower() for r in inverted)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert len(table(app).visible_rows) == total
        assert isinstance(app.screen, CollectionsScreen)


async def test_what_is_typed_in_the_filter_is_on_screen(demo_snapshot):
    """The box sits above the status line and the keys; docked to the bottom, the footer
    covered it and the filter was typed blind."""
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2", "slash", *"pay")
        await pilot.pause()
        box = app.screen.query_one("#filter")
        others = [app.screen.query_one(StatusLine), app.screen.query_one(Footer)]
        assert box.region.height == 1 and box.region.bottom <= app.screen.region.bottom
        assert not any(box.region.overlaps(w.region) for w in others)
        assert box.value == "pay"
        await pilot.press("escape")
        assert "slash" in app.active_bindings  # offered over a table
        await pilot.press("escape", "3", "enter")  # an alert's details: no table
        await pilot.pause()
        assert isinstance(app.screen, AlertScreen) and "slash" not in app.active_bindings


async def test_keys_typed_right_behind_the_slash_are_the_filters(demo_snapshot):
    """Typed fast over SSH, or pasted, the keys arrive together: they must reach the box, not
    the table's bindings (`s` sorts, `i` opens the inactive endpoints), nor be lost."""
    from textual import events

    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await pilot.pause()
        for key, char in (("slash", "/"), ("s", "s"), ("h", "h"), ("i", "i")):
            app.post_message(events.Key(key, char))  # together, as the terminal driver does
        await pilot.pause()
        assert isinstance(app.screen, CollectionsScreen)
        assert app.screen.query_one("#filter").value == "shi"
        await pilot.press("slash", "x")  # in the box, `/` is text
        assert app.screen.query_one("#filter").value == "shi/x"


async def test_sort_by_column_from_the_keyboard(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await pilot.press("2", "s")
        await pilot.pause()
        names = [cell_text(r.cells["name"]).casefold() for r in table(app).visible_rows]
        assert names == sorted(names)
        await pilot.press("S")
        await pilot.pause()
        names = [cell_text(r.cells["name"]).casefold() for r in table(app).visible_rows]
        assert names == sorted(names, reverse=True)
        await pilot.press("S", "s")  # next column: endpoint counts, numerically
        await pilot.pause()
        counts = [r.sort.get("endpoints") for r in table(app).visible_rows if r.sort.get("endpoints") is not None]
        assert counts == sorted(counts)


async def test_marks_are_shown_counted_and_kept_across_screens(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2", "enter")
        await pilot.pause()
        first, second = table(app).visible_rows[:2]
        await pilot.press("space", "space")
        await pilot.pause()
        assert app.marks == {first.key, second.key}
        assert "2 marked" in status(app)
        assert table(app).get_cell(first.key, "__mark") == "●"
        await pilot.press("escape", "3")
        await pilot.pause()
        assert "2 marked" in status(app)
        await pilot.press("2", "enter")  # the same collection's endpoints, marks still shown
        await pilot.pause()
        assert table(app).get_cell(first.key, "__mark") == "●"
        table(app).move_cursor(row=0)
        await pilot.press("space")  # unmark the first again
        await pilot.pause()
        assert app.marks == {second.key}
        assert table(app).get_cell(first.key, "__mark") == " "


async def test_command_palette_jumps_to_an_endpoint(demo_snapshot):
    app = make_app(demo_snapshot)
    views = Views(demo_snapshot)
    target = views.endpoints[0]
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*f"Endpoint: {target.label}")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, EndpointScreen)
        assert app.current_mode == "collections"
        assert crumb(app).endswith(target.label)


async def test_posture_queries_one_key_each(demo_snapshot):
    views = Views(demo_snapshot)
    app = make_app(demo_snapshot)
    keys = {"exposed-unauth-sensitive": "e", "unauth-sensitive-no-vnet": "v",
            "unencrypted-unauth": "u", "inactive": "i"}
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        found_any = False
        for query in POSTURE_QUERIES:
            await pilot.press(keys[query.id])
            await pilot.pause()
            assert crumb(app).endswith(query.title)
            expected = {e.endpoint.key for e in query.run(views.endpoints)}
            assert {r.key for r in table(app).visible_rows} == expected
            found_any = found_any or bool(expected)
            await pilot.press("escape")
            await pilot.pause()
        assert found_any


async def test_help_lists_keys_with_binding_ids(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {b.id for _, b in app.screen.bindings}
        assert {"table.mark", "screen.filter", "app.quit", "area.alerts"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CollectionsScreen)


async def test_keymap_remaps_a_binding(demo_snapshot):
    config = Config(keymap={"area.alerts": "a"})
    app = make_app(demo_snapshot, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AlertsScreen)


@pytest.mark.parametrize("key", ["q", "ctrl+c"])
async def test_quit_keys(demo_snapshot, key):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2", "enter")
        await pilot.press(key)
        await pilot.pause()
        assert app._exit
    assert app.return_code == 0


async def test_a_terminal_gone_without_a_hangup_signal_ends_the_console(demo_snapshot):
    """Behind a session leader that survives the hang-up, no SIGHUP comes: the console sees
    its terminal gone within a second or so and leaves, rather than poll with no one there."""
    from apiwatch.tui.terminal import Terminal

    master, slave = os.openpty()
    try:
        app = make_app(demo_snapshot, terminal=Terminal(slave))
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            app._each_second()  # what the one-second interval calls
            assert not app._exit  # a terminal still there
            os.close(master)
            master = -1
            await until(pilot, lambda: app._exit, timeout=10, what="the console leaving")
        assert app.return_code == 0
    finally:
        for fd in (master, slave):
            if fd >= 0:
                os.close(fd)


async def test_vi_keys_move_the_cursor(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2", "j", "j", "k")
        await pilot.pause()
        assert table(app).cursor_row == 1
        await pilot.press("G")
        await pilot.pause()
        assert table(app).cursor_row == len(table(app).visible_rows) - 1


async def test_hangup_exits(demo_snapshot):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        os.kill(os.getpid(), signal.SIGHUP)
        await pilot.pause(0.2)
        assert app._exit  # the app is on its way out without any key pressed
    assert app.return_code == 0


async def test_narrow_terminal_keeps_essential_columns(demo_snapshot):
    app = make_app(demo_snapshot, Config(ui=UiSettings()))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("2", "enter")
        await pilot.pause()
        shown = {c.key for c in table(app)._shown}
        assert {"method", "path", "health"} <= shown
        assert "name" not in shown  # the operation name gives way first


def test_flags_agree_with_defenders_collection_counters(demo_snapshot):
    """Per-endpoint flags (Resource Graph) summed per collection equal Defender's own counters:
    awaiting-data endpoints are not inactive, and so on."""
    views = Views(demo_snapshot)
    for c in demo_snapshot.collections:
        endpoints = views.endpoints_by_api[c.api_key]
        assert sum(bool(e.inactive) for e in endpoints) == c.inactive, c.display_name
        assert sum(bool(e.unauthenticated) for e in endpoints) == c.unauthenticated
        assert sum(bool(e.external) for e in endpoints) == c.external
        assert sum(bool(e.sensitive) for e in endpoints) == c.sensitive


async def test_the_overview_shows_health_that_changed_while_it_was_hidden(demo_snapshot):
    """Back on the Overview, its sources panel is as fresh as the status line: a refresh that
    only confirmed the cached data, read while another area was open, is not missed."""
    app = make_app(replace(demo_snapshot, from_cache=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)

        def sources() -> str:
            return str(app.screen.query_one("#sources").content)

        assert "from the cache" in sources()
        await pilot.press("2")
        await pilot.pause()
        app.show_snapshot(replace(demo_snapshot, from_cache=False))  # the same data, live
        await pilot.press("1")
        await pilot.pause()
        assert "from the cache" not in sources()


async def test_ages_move_with_the_clock_between_polls(demo_snapshot):
    """No poll lands, time passes: the status line and the Overview say how old the data is."""
    from datetime import timedelta

    from apiwatch.tui.app import ApiWatchApp

    from .conftest import FROZEN

    now = [FROZEN]

    async def loader():
        return demo_snapshot

    app = ApiWatchApp(Config(), loader=loader, clock=lambda: now[0], refresh_seconds=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert "alerts just now" in status(app)
        now[0] = FROZEN + timedelta(minutes=5)
        await until(pilot, lambda: "alerts 5m ago" in status(app), timeout=10, what="a tick")
        assert "inventory 5m ago" in str(app.screen.query_one("#sources").content)


def test_ages_under_a_minute_move_in_ten_second_steps():
    from datetime import timedelta

    from apiwatch.tui import format as fmt

    from .conftest import FROZEN

    def age(seconds):
        return fmt.age(FROZEN - timedelta(seconds=seconds), FROZEN)

    assert [age(s) for s in (0, 9, 10, 19, 59, 60, 7200)] == [
        "just now", "just now", "10s ago", "10s ago", "50s ago", "1m ago", "2h ago"]


async def test_an_age_tick_while_a_screen_is_taken_down_does_not_crash(demo_snapshot):
    """Quitting tears screens down while the age tick still runs; it must find nothing to do."""
    app = make_app(demo_snapshot)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await app.screen.query_one(StatusLine).remove()  # as during teardown
        app._each_second()  # what the one-second interval calls
        await pilot.pause()
    assert not app.screen_stack
    app._each_second()  # a last tick after every screen is gone (the bench met one)


async def test_a_poll_that_changed_nothing_keeps_every_index_already_built(demo_snapshot):
    """The same data read again: the next endpoint opened, the next alert counted, use the
    indexes built before it; a new batch of alerts recounts only the alerts."""
    from apiwatch.model import AlertStatus

    first = replace(demo_snapshot, from_cache=True)
    app = make_app(first)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        built = app.views
        by_resource = built.snapshot.recommendations_by_resource
        figures = built.alert_figures

        again = replace(first, from_cache=False)  # a poll: the same objects, fresher
        app.show_snapshot(again)
        await pilot.pause()
        assert app.views is built and app.views.snapshot is again
        assert again.recommendations_by_resource is by_resource

        alert = next(a for a in again.alerts if a.status.is_open)
        app.apply_alert_status({alert.id}, AlertStatus.DISMISSED)
        await pilot.pause()
        assert app.views is not built
        assert app.views.snapshot.recommendations_by_resource is by_resource
        assert alert.key not in {a.key for a in app.views.snapshot.alerts if a.status.is_open}
        assert (sum(app.views.alert_figures.open_by_severity.values())
                == sum(figures.open_by_severity.values()) - 1)


async def test_the_drill_down_indexes_are_built_while_the_console_waits_for_keys(demo_snapshot):
    """Opening a collection, an endpoint or an alert first reads the recommendations and alerts
    grouped by resource: built in slices once the data is drawn, not at the keystroke."""
    app = make_app(replace(demo_snapshot))  # a new instance: nothing built yet
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        built = app.views.snapshot.__dict__
        await until(pilot, lambda: {"recommendations_by_resource", "alerts_by_resource"} <= set(
            built), what="the indexes built")
        assert isinstance(app.screen, OverviewScreen)  # nothing opened that would build them
        # new data a moment after the last waits for the stream to settle, then the same read
        # again (a quiet poll): the one shown gets them
        news = replace(demo_snapshot, alerts=demo_snapshot.alerts[:-1])
        app.show_snapshot(news)
        await pilot.pause()
        assert not news.indexed
        again = replace(news)
        app.show_snapshot(again)
        assert app.views.snapshot is again
        await until(pilot, lambda: again.indexed, what="the quiet poll's snapshot indexed")


async def test_toasts_leave_the_status_line_and_a_dialogs_buttons_in_view(demo_snapshot):
    from textual.widgets import Button

    from apiwatch.tui.screens.dialogs import ConfirmScreen

    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        app.notify("A new alert, say, announced while you read the list")
        await pilot.pause(0.3)
        (toast,) = app.screen.query("Toast")
        for widget in (app.screen.query_one(StatusLine), app.screen.query_one(Footer)):
            assert not toast.region.overlaps(widget.region), widget
        # a tall dialog (twelve alerts to dismiss) on a small terminal
        await pilot.press(*["space"] * 12, "d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause(0.3)
        app.notify("Another toast, while the dialog waits for an answer")
        await pilot.pause(0.3)
        toasts = list(app.screen.query("Toast"))
        buttons = list(app.screen.query(Button))
        assert toasts and len(buttons) == 2
        for toast in toasts:
            for button in buttons:
                assert not toast.region.overlaps(button.region), (toast.region, button.region)


async def test_the_alert_detail_scrolls_with_the_vi_keys(demo_snapshot):
    from textual.containers import VerticalScroll

    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 20)) as pilot:
        await ready(pilot)
        await pilot.press("3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AlertScreen)
        detail = app.screen.query_one("#detail", VerticalScroll)
        assert detail.max_scroll_y > 2  # more than the screen holds
        await pilot.press("G")
        await pilot.pause()
        assert detail.scroll_y == detail.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert detail.scroll_y == 0
        await pilot.press("j", "j")
        await pilot.pause()
        assert detail.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert detail.scroll_y == 1


def footer_keys(app) -> dict[str, object]:
    """The footer's keys that are wholly on screen and not covered by another, by key."""
    from textual.widgets._footer import FooterKey

    keys = list(app.screen.query(FooterKey))
    width = app.size.width
    whole = {}
    for key in keys:
        region = key.region
        covered = any(other is not key and other.region.overlaps(region) for other in keys)
        if region.width and region.x >= 0 and region.right <= width and not covered:
            whole[key.key] = key
    return whole


@pytest.mark.parametrize("keys", [("3",), ("3", "enter")], ids=["alerts", "alert detail"])
async def test_the_footer_offers_every_alert_state_key(demo_snapshot, keys):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*keys)
        await pilot.pause(0.3)
        shown = footer_keys(app)
        assert {"t", "d", "x", "p", "a", "question_mark", "q"} <= set(shown), sorted(shown)
        assert str(shown["p"].description) == "In progress"


@pytest.mark.parametrize("keys", [(), ("2",), ("2", "enter"), ("3",), ("3", "enter"), ("4",),
                                  ("5",)],
                         ids=["overview", "collections", "endpoints", "alerts", "alert detail",
                              "recommendations", "audit"])
async def test_a_small_terminal_keeps_help_and_quit_in_the_footer(demo_snapshot, keys):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(60, 20)) as pilot:
        await ready(pilot)
        await pilot.press(*keys)
        await pilot.pause(0.3)
        assert {"question_mark", "q"} <= set(footer_keys(app))


@pytest.mark.parametrize("area", ["2", "3", "4"], ids=["collections", "alerts", "recommendations"])
async def test_the_sort_arrow_shows_on_every_column_it_sorts(demo_snapshot, area):
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(area)
        await pilot.pause()
        resources = table(app)
        sortable = [c for c in resources._shown if c.sortable]
        assert sortable
        for column in sortable:
            await pilot.press("s")
            await pilot.pause()
            assert resources.sort_column == column.key
            header = resources.render_line(0).text
            assert "▲" in header, (column.label, header)
            await pilot.press("S")
            await pilot.pause()
            header = resources.render_line(0).text
            assert "▼" in header, (column.label, header)
            await pilot.press("S")
            await pilot.pause()


def drawn_rows(resources: ResourceTable) -> dict[str, str]:
    """Each row on screen as drawn, by resource key."""
    top = int(resources.scroll_offset.y)
    rows = resources.visible_rows[top:top + resources.scrollable_content_region.height - 1]
    return {row.key: resources.render_line(y).text for y, row in enumerate(rows, start=1)}


@pytest.mark.parametrize("area", ["1", "2"], ids=["overview", "collections"])
async def test_collections_of_the_same_name_are_told_apart_by_their_service(demo_snapshot, area):
    shipping = [c for c in demo_snapshot.collections if c.display_name == "Shipping API"]
    assert len(shipping) == 2 and shipping[0].service_name != shipping[1].service_name
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(area)
        await pilot.pause()
        drawn = drawn_rows(table(app))
        lines = [drawn[c.api_key] for c in shipping]
        assert lines[0] != lines[1]
        for collection, line in zip(shipping, lines, strict=True):
            # the end of the service's name is where the two differ: it is drawn
            assert collection.service_name[-6:] in line, line
        # a name nobody else has stays as it is
        (fleet,) = [c for c in demo_snapshot.collections if c.display_name == "Fleet API"]
        assert "Fleet API " in drawn[fleet.api_key] and "(" not in drawn[fleet.api_key]
        if area == "2":  # and so does the crumb of its endpoints
            resources = table(app)
            resources.move_cursor(row=next(i for i, r in enumerate(resources.visible_rows)
                                           if r.key == shipping[1].api_key))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, EndpointsScreen)
            assert crumb(app).endswith(f"Shipping API ({shipping[1].service_name})")


async def test_the_crumb_keeps_the_current_screen_in_view_at_80_columns(demo_snapshot):
    app = make_app(demo_snapshot)
    titles = {q.id: q.title for q in POSTURE_QUERIES}
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("v")  # a second query on top of the first
        await pilot.pause()
        widget = app.screen.query_one(Crumb)
        drawn = widget.render_lines(Region(0, 0, widget.outer_size.width, 1))[0].text.strip()
        # cut in its middle if it must, never at its end: it names the screen that is open
        assert drawn.endswith(titles["unauth-sensitive-no-vnet"][-8:])
        assert not drawn.endswith(titles["exposed-unauth-sensitive"][-8:])


async def test_an_alerts_full_name_is_in_its_detail_at_80_columns(demo_snapshot):
    longest = max(demo_snapshot.alerts, key=lambda a: len(a.display_name))
    app = make_app(demo_snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        rows = table(app).visible_rows
        table(app).move_cursor(row=next(i for i, r in enumerate(rows) if r.key == longest.id))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AlertScreen)
        drawn = ""
        for widget in app.screen.query("Static"):
            region = Region(0, 0, *widget.outer_size)
            drawn += "".join(strip.text for strip in widget.render_lines(region))
        # wrapped over lines (and a column of labels), but all of it there
        assert "".join(longest.display_name.split()) in "".join(drawn.split())


async def test_the_overview_ages_each_kind_of_data_as_the_poller_reads_it(demo_snapshot):
    """Resource Graph's insights are their own kind (polled on their own): an old graph read is
    said as old insights, and does not make the inventory look old. Recommendations too."""
    from datetime import timedelta

    from .conftest import FROZEN

    old = {"graph": FROZEN - timedelta(hours=2), "assessments": FROZEN - timedelta(minutes=20)}
    health = tuple(replace(h, fetched_at=old.get(h.source, h.fetched_at))
                   for h in demo_snapshot.health)
    app = make_app(replace(demo_snapshot, health=health))
    async with app.run_test(size=(160, 30)) as pilot:
        await ready(pilot)
        line = str(app.screen.query_one("#sources").content).splitlines()[0]
    assert line == ("Data alerts just now · inventory just now · recommendations 20m ago · "
                    "automation just now · insights 2h ago")
