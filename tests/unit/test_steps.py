"""Work in slices on the event loop: other tasks run between slices, and two sliced runs take
turns whole rather than both holding the loop in every turn."""

from __future__ import annotations

import asyncio

from apiwatch import steps


def counting(name: str, log: list[str], n: int) -> steps.Steps[str]:
    for i in range(n):
        log.append(f"{name}{i}")
        yield
    return f"{name} done"


def test_run_drives_to_the_result():
    log: list[str] = []
    assert steps.run(counting("a", log, 3)) == "a done"
    assert log == ["a0", "a1", "a2"]


async def test_other_tasks_run_between_slices():
    log: list[str] = []

    async def ticker() -> None:
        for _ in range(3):
            log.append("tick")
            await asyncio.sleep(0)

    tick = asyncio.create_task(ticker())
    assert await steps.run_on_loop(counting("a", log, 4), slice_seconds=0) == "a done"
    await tick
    first, last = log.index("a0"), log.index("a3")
    assert "tick" in log[first:last]  # the loop was given back mid-run


async def test_a_long_slice_budget_runs_without_giving_the_loop_back():
    log: list[str] = []

    async def ticker() -> None:
        log.append("tick")

    tick = asyncio.create_task(ticker())
    await steps.run_on_loop(counting("a", log, 50), slice_seconds=60)
    await tick
    assert log[:50] == [f"a{i}" for i in range(50)]


async def test_sliced_runs_take_turns_whole():
    log: list[str] = []
    a, b = await asyncio.gather(steps.run_on_loop(counting("a", log, 5), slice_seconds=0),
                                steps.run_on_loop(counting("b", log, 5), slice_seconds=0))
    assert (a, b) == ("a done", "b done")
    assert log == [f"a{i}" for i in range(5)] + [f"b{i}" for i in range(5)]


async def test_a_run_in_its_own_lane_does_not_queue_behind_the_bulk_one():
    """What the next snapshot needs (the store's preparation) goes beside the parses, not
    after every one queued."""
    log: list[str] = []
    bulk = asyncio.gather(steps.run_on_loop(counting("a", log, 20), slice_seconds=0),
                          steps.run_on_loop(counting("b", log, 20), slice_seconds=0))
    await asyncio.sleep(0)
    assert await steps.run_on_loop(counting("p", log, 3), slice_seconds=0,
                                   lane="prepare") == "p done"
    assert "p2" in log and "a19" not in log  # done while the first bulk run was still going
    await bulk
    assert [x for x in log if x[0] != "p"] == [f"a{i}" for i in range(20)] + [
        f"b{i}" for i in range(20)]
