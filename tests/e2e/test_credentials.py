"""Tokens that expire mid-session are renewed quietly; a failed sign-in says what to do."""

from __future__ import annotations

import time

from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from apiwatch.azure.session import ArmSession
from apiwatch.poller.once import read_snapshot

from .conftest import settings_for


class CountingCredential:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls = 0

    async def get_token(self, *scopes, **kwargs):
        self.calls += 1
        return AccessToken(self.token, int(time.time()) + 3600)

    async def close(self):
        return None


async def test_expired_token_is_renewed_without_a_failure(emulator):
    credential = CountingCredential(emulator.token)
    async with ArmSession(settings_for(emulator), credential=credential) as session:
        first = await read_snapshot(session)
        calls = credential.calls
        emulator.faults.add("expired-token", count=1)
        snap = await read_snapshot(session)
    assert [f for f in snap.failures if f.status != 403] == []
    assert len(snap.alerts) == len(first.alerts)
    assert credential.calls > calls  # a fresh token was asked for


class NoSignIn:
    async def get_token(self, *scopes, **kwargs):
        raise ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token")

    async def close(self):
        return None


async def test_failed_sign_in_says_what_to_do(emulator):
    async with ArmSession(settings_for(emulator), credential=NoSignIn()) as session:
        snap = await read_snapshot(session)
    (failure,) = snap.failures
    assert failure.message.startswith("sign-in failed")
    assert "az login" in failure.message and "device-code" in failure.message
    assert "Traceback" not in failure.message
