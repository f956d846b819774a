"""A listing read again with the previous read's page digests: pages whose bytes are the same are
not decoded, a listing that is all the same comes back unchanged, and whatever changed is read in
full, giving exactly what a fresh read gives."""

from __future__ import annotations

from apiwatch.azure.sources import read_source
from apiwatch.model import normalize


def first_sub_with_pages(emulator, source="alerts"):
    size = emulator.config.page_size
    for sub in emulator.tenant.subscriptions:
        if sub.readable and len(sub.alerts) > 2 * size:
            return sub
    raise AssertionError("the test tenant needs a subscription with several pages of alerts")


def alert_pages(emulator, sub_id):
    return emulator.requests.count(
        match=f"/subscriptions/{sub_id}/providers/Microsoft.Security/alerts")


async def test_an_unchanged_listing_is_fetched_but_neither_decoded_nor_parsed(emulator, session):
    sub = first_sub_with_pages(emulator).subscription_id
    first = await read_source(session, "alerts", sub)
    assert first.ok and not first.unchanged and len(first.listing.pages) > 2

    emulator.requests.clear()
    again = await read_source(session, "alerts", sub, previous=first.listing)
    assert again.ok and again.unchanged
    assert again.value is None and again.raw is None
    assert again.listing == first.listing
    # every page was still asked for: "unchanged" is what Azure said, not a guess
    assert alert_pages(emulator, sub) == len(first.listing.pages)


async def test_a_changed_alert_is_read_and_equals_a_fresh_read(emulator, session):
    sub = first_sub_with_pages(emulator)
    first = await read_source(session, "alerts", sub.subscription_id)
    target = next(a for a in first.value if a.status.value == "Active")
    arm = target.id.split("/")
    location, name = arm[arm.index("locations") + 1], arm[-1]
    await session.security(sub.subscription_id).alerts.update_subscription_level_state_to_dismiss(
        location, name)

    again = await read_source(session, "alerts", sub.subscription_id, previous=first.listing)
    fresh = await read_source(session, "alerts", sub.subscription_id)
    assert again.ok and not again.unchanged
    assert again.value == fresh.value  # same alerts, same order, however many pages were kept
    assert again.raw == fresh.raw
    dismissed = {normalize(a.id): a for a in again.value}[normalize(target.id)]
    assert dismissed.status.value == "Dismissed"
    # only the changed page differs from the previous read
    changed = [m for m in again.listing.pages if m not in first.listing.pages]
    assert len(changed) == 1


async def test_new_alerts_and_fewer_pages_are_never_taken_for_unchanged(emulator, session):
    sub = first_sub_with_pages(emulator)
    sub_id = sub.subscription_id
    first = await read_source(session, "alerts", sub_id)
    new = await emulator.add_alerts(1, sub_id)
    grown = await read_source(session, "alerts", sub_id, previous=first.listing)
    assert not grown.unchanged
    assert normalize(new[0].id) in {normalize(a.id) for a in grown.value}

    # a whole last page gone: every page left is byte for byte as before, but fewer of them
    size = emulator.config.page_size
    keep = (len(sub.alerts) - 1) // size * size
    del sub.alerts[keep:]
    emulator.invalidate()  # changed by hand: the emulator drops what it rendered
    shrunk = await read_source(session, "alerts", sub_id, previous=grown.listing)
    assert not shrunk.unchanged
    assert len(shrunk.value) == keep


async def test_a_page_turned_to_garbage_fails_the_read_in_one_line(emulator, session):
    sub = first_sub_with_pages(emulator).subscription_id
    first = await read_source(session, "alerts", sub)
    emulator.faults.add("malformed", count=None,
                        match=f"/subscriptions/{sub}/providers/Microsoft.Security/alerts")
    bad = await read_source(session, "alerts", sub, previous=first.listing)
    emulator.faults.clear()
    assert not bad.ok and bad.failure is not None
    assert "\n" not in bad.failure.message and "JSON" in bad.failure.message


async def test_apim_is_unchanged_only_when_every_operations_list_is(emulator, session):
    sub = next(s for s in emulator.tenant.subscriptions if s.readable and s.services)
    first = await read_source(session, "apim", sub.subscription_id)
    operations = sum(len(a.operations) for svc in sub.services for a in svc.apis)
    assert first.ok and len(first.value.endpoints) == operations

    again = await read_source(session, "apim", sub.subscription_id, previous=first.listing)
    assert again.ok and again.unchanged and again.value is None

    # one operation of one API renamed: that API's list is read, the others kept as bytes
    api = next(a for svc in sub.services for a in svc.apis if a.operations)
    api.operations[0].display_name = "Renamed by hand"
    emulator.invalidate()
    changed = await read_source(session, "apim", sub.subscription_id, previous=first.listing)
    fresh = await read_source(session, "apim", sub.subscription_id)
    assert changed.ok and not changed.unchanged
    assert changed.value == fresh.value and changed.raw == fresh.raw
    assert "Renamed by hand" in {e.display_name for e in changed.value.endpoints}


async def test_resource_graph_pages_are_known_by_their_request_body(emulator, session):
    subs = [s.subscription_id for s in emulator.tenant.subscriptions if s.readable]
    first = await read_source(session, "graph", subscriptions_for_tenant=subs)
    assert first.ok and first.value and first.listing.pages
    again = await read_source(session, "graph", subscriptions_for_tenant=subs,
                              previous=first.listing)
    assert again.ok and again.unchanged and again.value is None
    # other subscriptions asked: other pages, never taken for the ones held
    fewer = await read_source(session, "graph", subscriptions_for_tenant=subs[:1],
                              previous=first.listing)
    assert fewer.ok and not fewer.unchanged

    sub = next(s for s in emulator.tenant.subscriptions if s.readable and s.services)
    op = next(o for svc in sub.services for a in svc.apis if a.onboarded for o in a.operations)
    op.active = not op.active
    emulator.invalidate()
    changed = await read_source(session, "graph", subscriptions_for_tenant=subs,
                                previous=first.listing)
    fresh = await read_source(session, "graph", subscriptions_for_tenant=subs)
    assert changed.ok and not changed.unchanged and changed.value == fresh.value
    assert changed.value != first.value


async def test_a_read_covering_fewer_of_the_held_pages_is_not_unchanged(emulator, session,
                                                                        monkeypatch):
    from apiwatch.azure import graph

    monkeypatch.setattr(graph, "SUBSCRIPTION_BATCH", 1)  # one query, one page, a subscription
    subs = [s.subscription_id for s in emulator.tenant.subscriptions if s.readable]
    first = await read_source(session, "graph", subscriptions_for_tenant=subs)
    # the last subscription gone (unreadable now): every page left is byte for byte as before
    fewer = await read_source(session, "graph", subscriptions_for_tenant=sorted(subs)[:-1],
                              previous=first.listing)
    fresh = await read_source(session, "graph", subscriptions_for_tenant=sorted(subs)[:-1])
    assert fewer.ok and not fewer.unchanged
    assert fewer.value == fresh.value and len(fewer.value) < len(first.value)
