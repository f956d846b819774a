"""apiwatch benchmark: `.venv/bin/python bench/run.py [--quick] [--runs N] [--naive-all]`.

Starts the emulator's large tenant in a child process (25 ms latency, 100 items a page, a fixed
now; a process of its own, as ARM's CPU is not the client's), measures every figure of
bench/README.md, prints each as a median over the runs and each comparison as a ratio measured
within the same run, then a table (also bench/results.json)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common  # first: keeps apiwatch's state and logs in a temporary dir
import console
import floor
import naive
import polls
import refresh
from common import median, percentile
from emulator_proc import EmulatorProcess

from apiwatch.feed.profile import cache_profile
from apiwatch.store.state_db import StateDB

HERE = Path(__file__).resolve().parent
ROWS: list[dict[str, Any]] = []
DETAILS: dict[str, Any] = {}


def say(text: str = "") -> None:
    print(text, flush=True)


def figure(name: str, value: float, unit: str, target: str = "—",
           met: bool | None = None, note: str = "") -> None:
    ROWS.append({"figure": name, "value": None if math.isnan(value) else round(value, 4),
                 "unit": unit, "target": target,
                 "met": None if met is None or math.isnan(value) else bool(met), "note": note})
    shown = "n/a" if math.isnan(value) else f"{value:.3g} {unit}".strip()
    verdict = "" if met is None else ("  [met]" if met else "  [MISSED]")
    say(f"  {name}: {shown}{verdict}{'  (' + note + ')' if note else ''}")


def guarded(label: str, step: Callable[[], None]) -> None:
    """A failing part is reported and the rest still runs."""
    try:
        step()
    except Exception as exc:
        say(f"  {label} FAILED: {exc!r}")
        DETAILS.setdefault("errors", []).append(
            {"part": label, "error": repr(exc), "trace": traceback.format_exc()})


def machine() -> dict[str, Any]:
    versions = {}
    for name in ("textual", "rich", "azure-core", "aiohttp", "azure-mgmt-security",
                 "azure-mgmt-apimanagement"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {"platform": platform.platform(), "cpu_count": os.cpu_count(),
            "python": sys.version.split()[0], "packages": versions}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="1 run, naive on a 2-subscription sample, shorter idle")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--naive-all", action="store_true",
                        help="walk the whole tenant the naive way (~2 minutes a run)")
    args = parser.parse_args()
    runs = 1 if args.quick else max(1, args.runs)
    began = time.perf_counter()

    say(f"apiwatch bench: {'quick, ' if args.quick else ''}{runs} run(s); "
        f"{machine()['platform']}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    handle = common.start_emulator()
    try:
        return measure(args, handle, began)
    finally:
        handle.stop()  # no orphan emulator process, whatever happened


def measure(args: argparse.Namespace, handle: EmulatorProcess, began: float) -> int:
    runs = 1 if args.quick else max(1, args.runs)
    sample = 2 if args.quick else 8
    idle_seconds = 10.0 if args.quick else 15.0
    live_idle_seconds = 35.0 if args.quick else 65.0  # one or two alert polls (every 30 s)
    config = common.apiwatch_config(handle)
    tenant = handle.tenant
    DETAILS["tenant"] = {
        "subscriptions": len(tenant.subscriptions),
        "readable": sum(s.readable for s in tenant.subscriptions),
        "latency_ms": common.LATENCY_MS, "page_size": handle.config.page_size,
    }
    state: dict[str, Any] = {}

    # 1. Full refresh, against the transport floor and the naive way -------------------------
    def part1() -> None:
        say("\n1. Full refresh of the large tenant (read_all on a fresh LiveStore)")
        whole = naive.naive_requests_whole_tenant(handle)
        minimum = refresh.minimum_requests(handle)
        per_run: list[dict[str, Any]] = []
        for i in range(runs):
            r = refresh.full_refresh(handle, config, with_lag=True, keep_cache=(i == runs - 1))
            f = floor.transport_floor(handle, r.records, r.readable)
            if args.naive_all:
                n = naive.naive_walk(handle)
                naive_s = n.timer.wall
            else:
                n = naive.naive_walk(handle, limit=sample, readable_only=True)
                naive_s = n.timer.wall / n.requests * whole
            run = {
                "refresh_s": r.timer.wall, "refresh_cpu_client_s": r.timer.cpu_thread,
                "refresh_cpu_process_s": r.timer.cpu_process,
                "refresh_cpu_emulator_s": r.timer.cpu_emulator, "requests": len(r.records),
                "duplicates": refresh.duplicates(r.records),
                "by_kind": dict(refresh.requests_by_kind(r.records)),
                "floor_s": f.timer.wall, "floor_cpu_client_s": f.timer.cpu_thread,
                "floor_cpu_emulator_s": f.timer.cpu_emulator, "floor_sent": f.sent,
                "floor_status_mismatches": f.mismatched,
                "naive_measured_s": n.timer.wall, "naive_cpu_client_s": n.timer.cpu_thread,
                "naive_cpu_emulator_s": n.timer.cpu_emulator, "naive_requests": n.requests,
                "naive_subscriptions": n.subscriptions, "naive_estimated_s": naive_s,
                "lag_max_ms": max(r.lags_ms, default=math.nan),
                "lag_p99_ms": percentile(r.lags_ms, 99), "lag_samples": len(r.lags_ms),
            }
            per_run.append(run)
            say(f"  run {i + 1}: refresh {r.timer.wall:.2f}s (client CPU "
                f"{r.timer.cpu_thread:.2f}s, emulator CPU {r.timer.cpu_emulator:.2f}s), "
                f"floor {f.timer.wall:.2f}s (client CPU {f.timer.cpu_thread:.2f}s), naive "
                f"{'' if args.naive_all else '~'}{naive_s:.1f}s, lag p99 {run['lag_p99_ms']:.0f}ms")
            state["snapshot"], state["cache"] = r.snapshot, r.cache
        DETAILS["refresh_runs"] = per_run
        DETAILS["minimum_requests_by_kind"] = dict(minimum)
        med = lambda key: median([run[key] for run in per_run])  # noqa: E731
        figure("full refresh", med("refresh_s"), "s")
        figure("full refresh, client CPU (main thread)", med("refresh_cpu_client_s"), "s")
        figure("full refresh, emulator CPU (its own process)", med("refresh_cpu_emulator_s"),
               "s")
        figure("transport floor", med("floor_s"), "s",
               note=f"{per_run[-1]['floor_sent']} requests replayed, "
                    f"{per_run[-1]['floor_status_mismatches']} status mismatches")
        ratio = median([run["refresh_s"] / run["floor_s"] for run in per_run])
        figure("full refresh / floor", ratio, "x", "<= 1.3", ratio <= 1.3)
        how = ("whole tenant walked" if args.naive_all else
               f"{sample} readable subscriptions walked, scaled per request to the {whole} "
               "requests of the whole tenant")
        figure("naive way", med("naive_estimated_s"), "s", note=how)
        ratio = median([run["naive_estimated_s"] / run["refresh_s"] for run in per_run])
        figure("naive / full refresh", ratio, "x", ">= 10", ratio >= 10)
        need = sum(minimum.values())
        made = med("requests")
        dups = max(run["duplicates"] for run in per_run)
        ratio = made / need
        figure("requests made / minimum", ratio, "x", "1.0", ratio <= 1.0 and dups == 0,
               note=f"{made:.0f} made, {need} needed, {dups} asked twice")
        last = per_run[-1]["by_kind"]
        for kind in sorted(set(last) | set(minimum)):
            if last.get(kind, 0) != minimum.get(kind, 0):
                say(f"    {kind}: made {last.get(kind, 0)}, minimum {minimum.get(kind, 0)}")
        lag_p99 = med("lag_p99_ms")
        figure("event-loop lag beside read_all, p99", lag_p99, "ms", "<= 50", lag_p99 <= 50)
        figure("event-loop lag beside read_all, max",
               max(run["lag_max_ms"] for run in per_run), "ms")

    guarded("full refresh", part1)

    # 2. Alert polls ---------------------------------------------------------------------------
    def part2() -> None:
        say("\n2. Alert poll at steady state (every subscription's alerts, as the poller reads)")
        series = polls.alert_polls(handle, config, steady=2 if args.quick else 3 * runs,
                                   rounds=runs, new=3)
        steady = series.steady
        DETAILS["alert_polls"] = {
            "steady": [p.timer.figures() | {"requests": p.requests, "alerts": p.alerts,
                                            "changed": p.changed} for p in steady],
            "after_3_new": [p.timer.figures() | {"requests": p.requests, "alerts": p.alerts,
                                                 "changed": p.changed}
                            for p in series.after_new],
        }
        alerts = steady[-1].alerts
        figure("alert poll, wall", median([p.timer.wall for p in steady]), "s",
               note=f"{alerts} alerts, {steady[-1].requests} requests, "
                    f"median of {len(steady)} polls")
        client_cpu = median([p.timer.cpu_thread for p in steady])
        figure("alert poll, client CPU", client_cpu, "s")
        floors = [floor.transport_floor(handle, series.quiet_requests, []) for _ in range(runs)]
        floor_cpu = median([f.timer.cpu_thread for f in floors])
        DETAILS["alert_polls"]["floor"] = [f.timer.figures() for f in floors]
        figure("alert poll client CPU / transport floor CPU", client_cpu / floor_cpu, "x",
               note=f"the floor: the same {len(series.quiet_requests)} requests by bare aiohttp, "
                    f"{floor_cpu:.2f}s CPU; pages as before are fetched but not decoded")
        figure("alert poll, bench process CPU (no emulator)",
               median([p.timer.cpu_process for p in steady]), "s")
        figure("alert poll, emulator CPU (its own process)",
               median([p.timer.cpu_emulator for p in steady]), "s")
        quiet = max(p.changed for p in steady)
        changed = [p.changed for p in series.after_new]
        figure("alerts changed, nothing new", quiet, "", "0", quiet == 0)
        figure("alerts changed after 3 new", median(changed), "", "3",
               all(c == 3 for c in changed), note=f"per poll: {changed}")

    guarded("alert polls", part2)

    # 3. Console ---------------------------------------------------------------------------------
    snapshot = state.get("snapshot")

    def part3() -> None:
        say("\n3. Console (headless, Pilot, 120x40, large tenant)")
        if snapshot is None:
            raise RuntimeError("no snapshot: the full refresh failed")
        pairs, chrome, stock = [], [], []
        for _ in range(runs):
            ours, frame = asyncio.run(console.first_paint_apiwatch(snapshot))
            bare = asyncio.run(console.first_paint_bare())
            pairs.append((ours, bare))
            chrome.append(frame)
            stock.append(asyncio.run(console.first_paint_bare(console.StockChrome)))
        DETAILS["first_paint_s"] = [{"apiwatch": a, "bare": b, "apiwatch_first_frame": c,
                                     "stock_chrome": d}
                                    for (a, b), c, d in zip(pairs, chrome, stock, strict=True)]
        figure("first paint from a cached snapshot", median([a for a, _ in pairs]) * 1000, "ms",
               note="the first frame with the tenant's data on it")
        figure("  first frame of any kind (chrome, before data)", median(chrome) * 1000, "ms")
        figure("first paint, bare Textual app", median([b for _, b in pairs]) * 1000, "ms")
        ratio = median([a / b for a, b in pairs])
        figure("first paint / bare app", ratio, "x", "<= 1.5", ratio <= 1.5)
        figure("  Textual's Header, Tabs and Footer around the bare app's line / bare app",
               median([d / b for (_, b), d in zip(pairs, stock, strict=True)]), "x",
               note=f"{median(stock) * 1000:.1f} ms: stock widgets, no data, none of ours")

        word = "shipments"
        results = [asyncio.run(console.interaction(snapshot, word)) for _ in range(runs)]
        DETAILS["interaction"] = [vars(r) for r in results]
        keys = [k for r in results for k in r.keystrokes_ms]
        rebuild = [k for r in results for k in r.filter_rebuild_ms]
        note = (f"'/' then '{word}' over {results[0].rows} endpoints -> {results[0].rows_after} "
                f"rows, {len(keys)} keys")
        figure("filter keystroke, p50", console.p(keys, 50), "ms", note=note)
        p95 = console.p(keys, 95)
        figure("filter keystroke, p95", p95, "ms", "<= 50", p95 <= 50)
        figure("  of which inside set_filter, p95", console.p(rebuild, 95), "ms")
        figure("open every endpoint (bench screen)",
               median([r.all_endpoints_open_ms for r in results]), "ms")
        figure("open a collection (enter)", median([r.open_collection_ms for r in results]),
               "ms")
        pd_c = [k for r in results for k in r.pagedown_collections_ms]
        pd_e = [k for r in results for k in r.pagedown_endpoints_ms]
        figure("pagedown, collections table, p50", console.p(pd_c, 50), "ms",
               note=f"{len(pd_c)} presses")
        figure("pagedown, every-endpoint table, p50", console.p(pd_e, 50), "ms",
               note=f"{len(pd_e)} presses")

    guarded("console", part3)

    def part3_memory() -> None:
        if not state.get("cache"):
            raise RuntimeError("no cache: the full refresh failed")
        with tempfile.TemporaryDirectory(prefix="apiwatch-bench-mem-") as state_dir:
            # The cache as the console writes it: one row per source, in its state database.
            db = StateDB(Path(state_dir) / "state.sqlite3")
            profile = cache_profile(handle.url, ())
            for source, sub, raw, pages in state["cache"]:
                db.save_source(profile, source, sub, common.NOW, raw, pages)
            db.close()
            child = subprocess.run(
                [sys.executable, str(HERE / "console_mem.py"), state_dir, handle.url,
                 str(handle.ca_path), str(live_idle_seconds)],
                input=handle.token + "\n", capture_output=True, text=True, timeout=420)
        if child.returncode != 0:
            raise RuntimeError(f"console_mem.py failed: {child.stderr.strip()[-2000:]}")
        mem = json.loads(child.stdout.strip().splitlines()[-1])
        DETAILS["console_memory_mb"] = mem
        loaded = max(mem["rss_loaded_mb"], mem["rss_settled_mb"])
        figure("console RSS, large tenant loaded", loaded, "MB", "<= 400", loaded <= 400,
               note=f"own process, live mode; the larger of: opened from the cache with every "
                    f"endpoint on screen {mem['rss_loaded_mb']:.0f} MB, after the first live "
                    f"refresh once its news stopped {mem['rss_settled_mb']:.0f} MB (just after "
                    f"it: {mem['rss_refreshed_mb']:.0f} MB); overview from the cache "
                    f"{mem['rss_overview_mb']:.0f} MB; peak {mem['peak_rss_mb']:.0f} MB; "
                    f"before loading {mem['rss_start_mb']:.0f} MB")
        idle = mem["idle"]
        per_minute = 60 / idle["seconds"]
        cpu = idle["cpu_process_s"] * per_minute
        figure("live idle CPU per minute (quiet tenant, polling)", cpu, "s", "~0 (<= 0.6 s)",
               cpu <= 0.6, note=f"{idle['alert_polls']} polls of every subscription's alerts "
                                f"in {idle['seconds']:.0f}s, {idle['rebuilds']} screen rebuilds")
        written = idle["bytes"] * per_minute
        figure("live idle terminal bytes per minute", written, "B", "~0 (status ages only)",
               idle["rebuilds"] == 0 and written <= 2000,
               note=f"{idle['frames']} frames: the status line's data age, after each poll")
        figure("cached tenant on screen, live console", mem["cached_on_screen_s"] * 1000, "ms",
               note="from run_test to the Overview drawn from the on-disk cache (its sources: "
                    "subscriptions, inventory, alerts, automation): SQLite, JSON decode and "
                    "parsing included")
        figure("whole cache loaded, live console", mem["cache_loaded_s"] * 1000, "ms",
               note="the rest (recommendations, insights) parsed and shown too, and the ARM "
                    "session opened; the status line says what is still loading until then")
        figure("bench process RSS (no emulator)", common.rss_mb(), "MB",
               note="client, data, consoles and a copy of the tenant's truth; the emulator's "
                    f"own process: {handle.rss_mb():.0f} MB")

    guarded("console memory", part3_memory)

    def part3_cold() -> None:
        with tempfile.TemporaryDirectory(prefix="apiwatch-bench-cold-") as state_dir:
            child = subprocess.run(
                [sys.executable, str(HERE / "console_mem.py"), state_dir, handle.url,
                 str(handle.ca_path), "cold"],
                input=handle.token + "\n", capture_output=True, text=True, timeout=420)
        if child.returncode != 0:
            raise RuntimeError(f"console_mem.py cold failed: {child.stderr.strip()[-2000:]}")
        cold = json.loads(child.stdout.strip().splitlines()[-1])
        DETAILS["console_cold_refresh"] = cold
        figure("console's first refresh, no cache (poller, Overview drawn)", cold["wall_s"], "s",
               note=f"{cold['snapshots_shown']} snapshots shown as data landed; one run")
        figure("event-loop lag in the console during it, p99", cold["lag_p99_ms"], "ms",
               "<= 50", cold["lag_p99_ms"] <= 50,
               note=f"{cold['samples']} wake-ups of a 5 ms sleeper on the app's loop")
        figure("event-loop lag in the console during it, max", cold["lag_max_ms"], "ms")

    guarded("console cold refresh", part3_cold)

    # 4. Idle ----------------------------------------------------------------------------------
    def part4() -> None:
        say(f"\n4. Idle console on the loaded snapshot ({idle_seconds:.0f}s, scaled to a minute)")
        if snapshot is None:
            raise RuntimeError("no snapshot: the full refresh failed")
        idle = asyncio.run(console.idle(snapshot, idle_seconds))
        DETAILS["idle"] = vars(idle)
        cpu = idle.per_minute(idle.cpu_process)
        written = idle.per_minute(idle.frame_bytes + idle.write_bytes)
        figure("idle CPU per minute", cpu, "s", "~0 (<= 0.6 s)", cpu <= 0.6)
        figure("idle terminal bytes per minute", written, "B", "0 (no redraw)",
               written == 0 and idle.frames == 0,
               note=f"{idle.frames} frames in {idle.seconds:.0f}s")

    guarded("idle", part4)

    wall = time.perf_counter() - began
    table(wall)
    payload = {"mode": "quick" if args.quick else "full", "runs": runs,
               "wall_seconds": round(wall, 1), "machine": machine(), "figures": ROWS,
               "details": DETAILS}
    (HERE / "results.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
    say(f"\nwritten: {HERE / 'results.json'}")
    return 1 if DETAILS.get("errors") else 0


def table(wall: float) -> None:
    say(f"\n{'figure':<48} {'value':>16}  {'target':<14} met")
    say("-" * 86)
    for row in ROWS:
        value = "n/a" if row["value"] is None else f"{row['value']:.4g} {row['unit']}".strip()
        met = "-" if row["met"] is None else ("yes" if row["met"] else "NO")
        say(f"{row['figure']:<48} {value:>16}  {row['target']:<14} {met}")
    say(f"\nbench wall time: {wall:.0f}s")


if __name__ == "__main__":
    sys.exit(main())
