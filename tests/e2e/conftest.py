from __future__ import annotations

from pathlib import Path

import pytest

from apiwatch.azure.session import ArmSession
from apiwatch.config import Config
from apiwatch.emulator import Emulator, EmulatorConfig


def settings_for(emu, **changes):
    return Config().with_azure(
        resource_manager=emu.url, credential="static", token=emu.token,
        ca_bundle=Path(emu.ca_path), retries=3, **changes,
    ).azure


@pytest.fixture
async def emulator():
    # Small pages so that every list spans several pages.
    async with Emulator(EmulatorConfig(page_size=3, lro_seconds=0.2, run_seconds=0.2)) as emu:
        yield emu


@pytest.fixture
async def session(emulator):
    async with ArmSession(settings_for(emulator)) as s:
        yield s
