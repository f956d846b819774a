"""List pages kept as bytes: the next page's link read off a page's tail without decoding it,
and only where that reading is certain; whatever is decoded later must agree."""

from __future__ import annotations

import json

import pytest
from azure.core.exceptions import DecodeError

from apiwatch.azure.pages import _UNSURE, Listing, ListingReader, _tail_link

URL = "https://management.azure.com/subscriptions/s/providers/Microsoft.Security/alerts?api-version=1"
NEXT = "https://management.azure.com/subscriptions/s/providers/Microsoft.Security/alerts?$skipToken=a%2Fb"


def page(items, link=None, **extra) -> bytes:
    body = {"value": items, **extra}
    if link is not None:
        body["nextLink"] = link
    return json.dumps(body).encode()


@pytest.mark.parametrize("body, expected", [
    (page([{"id": "a"}], NEXT), NEXT),
    (page([{"id": "a"}]), None),
    (b'{"value": [], "nextLink" : null }\n', None),
    (b'{"value": [], "nextLink": ""}', None),
])
def test_a_link_at_the_tail_is_read_without_decoding(body, expected):
    assert _tail_link(body, URL) == expected


@pytest.mark.parametrize("body", [
    # a "nextLink" inside an item, none at the top: not taken for the page's
    page([{"id": "a", "properties": {"nextLink": NEXT}}]),
    # nextLink first, value after: not at the tail, so decoded to know
    json.dumps({"nextLink": NEXT, "value": []}).encode(),
    # another host: decoded, never followed on a reading of the tail (nor at all: see below)
    page([], "https://elsewhere.example/steal"),
    # cut short
    page([{"id": "a"}], NEXT)[:-5],
])
def test_anything_less_plain_is_decoded_to_know(body):
    assert _tail_link(body, URL) is _UNSURE
    try:
        truth = json.loads(body).get("nextLink")
    except ValueError:
        with pytest.raises(DecodeError):  # decoded at once: the listing fails now
            ListingReader(None).page(URL, body)
    else:
        assert ListingReader(None).page(URL, body).next_link == truth


def test_changed_pages_are_decoded_later_same_pages_not_at_all():
    first, second = page([{"id": "a"}], NEXT), page([{"id": "b"}])
    reader = ListingReader(None)
    assert reader.page(URL, first).next_link == NEXT
    assert reader.page(NEXT, second).next_link is None
    assert not reader.unchanged
    assert reader.items() == [{"id": "a"}, {"id": "b"}]

    again = ListingReader(Listing(tuple(reader.marks)))
    again.page(URL, first)
    again.page(NEXT, second)
    assert again.unchanged


def test_a_page_that_is_not_json_fails_when_decoded_though_its_tail_looked_right():
    bad = b'{"value": [{"id": "a"},,], "nextLink": "' + NEXT.encode() + b'"}'
    reader = ListingReader(None)
    assert reader.page(URL, bad).next_link == NEXT  # paging went on from the tail
    with pytest.raises(DecodeError):
        reader.items()


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
