from __future__ import annotations

from pathlib import Path

import pytest

from apiwatch.actions.audit import AuditLog
from apiwatch.actions.context import ActionContext
from apiwatch.azure.session import ArmSession
from apiwatch.config import Config
from apiwatch.emulator import Emulator, EmulatorConfig
from apiwatch.poller.once import read_snapshot


def config_for(emu) -> Config:
    return Config().with_azure(resource_manager=emu.url, credential="static", token=emu.token,
                               ca_bundle=Path(emu.ca_path), retries=1)


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("APIWATCH_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
async def emu():
    async with Emulator(
        EmulatorConfig(lro_seconds=0.2, run_seconds=0.3, probe_alert_seconds=0.3)
    ) as emulator:
        yield emulator


@pytest.fixture
def audit(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3")
    yield log
    log.close()


@pytest.fixture
async def session(emu):
    async with ArmSession(config_for(emu).azure) as s:
        yield s


@pytest.fixture
async def snapshot(session):
    return await read_snapshot(session)


@pytest.fixture
def ctx(session, audit):
    return ActionContext(session, audit, identity="tester@contoso.com")
