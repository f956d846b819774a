"""List pages digested as they come: the same bytes are kept, not decoded; and whatever a page's
links say, the ARM token goes to ARM's host only."""

from __future__ import annotations

import json

import pytest

from apiwatch.azure.pages import Listing, ListingReader

URL = "https://management.azure.com/subscriptions/s/providers/Microsoft.Security/alerts?api-version=1"
NEXT = "https://management.azure.com/subscriptions/s/providers/Microsoft.Security/alerts?$skipToken=a%2Fb"


def page(items, link=None, **extra) -> bytes:
    body = {"value": items, **extra}
    if link is not None:
        body["nextLink"] = link
    return json.dumps(body).encode()


def test_same_pages_are_known_by_their_bytes():
    first, second = page([{"id": "a"}], NEXT), page([{"id": "b"}])
    reader = ListingReader(None)
    assert reader.page(URL, first).next_link == NEXT
    assert reader.page(NEXT, second).next_link is None
    held = Listing(tuple(reader.marks))
    assert list(reader.pages()) == [[{"id": "a"}], [{"id": "b"}]]

    again = ListingReader(held)
    assert again.page(URL, first).next_link == NEXT  # from the held read: not decoded
    assert again.page(NEXT, page([{"id": "c"}])).next_link is None
    assert again.marks[0] is held.pages[0] and again.marks[1] != held.pages[1]
    assert list(again.pages()) == [[{"id": "a"}], [{"id": "c"}]]  # kept bytes decoded when asked


def test_the_token_policy_is_never_reached_for_another_host():
    from azure.core.pipeline import PipelineContext, PipelineRequest
    from azure.core.rest import HttpRequest

    from apiwatch.azure.auth import ArmHostOnlyPolicy, ForeignHostError, RenewingAuthPolicy
    from apiwatch.azure.session import ArmSession
    from apiwatch.config import Config

    policy = ArmHostOnlyPolicy("https://management.azure.com")
    policy.on_request(PipelineRequest(HttpRequest("GET", NEXT), PipelineContext(None)))
    with pytest.raises(ForeignHostError, match=r"elsewhere\.example"):
        policy.on_request(PipelineRequest(HttpRequest("GET", "https://elsewhere.example/steal"),
                                          PipelineContext(None)))
    # in every client's pipeline, before the policy that adds the token
    chain = [type(p) for p in ArmSession(Config().azure, credential=object())._policies()]
    assert chain.index(ArmHostOnlyPolicy) < chain.index(RenewingAuthPolicy)
