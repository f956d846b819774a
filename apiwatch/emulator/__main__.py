"""`python -m apiwatch.emulator`: serve the emulator until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import NoReturn

from .config import SCALES, EmulatorConfig
from .server import Emulator

PROG = "python -m apiwatch.emulator"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: the error is what the user needs to see.
        print(f"{PROG}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> _Parser:
    p = _Parser(
        prog=PROG, description="Local Azure Resource Manager emulator for Defender for APIs."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scale", choices=sorted(SCALES), default="demo")
    p.add_argument("--page-size", type=int, default=50)
    p.add_argument("--alert-rate", type=float, default=0.0, metavar="PER_MIN")
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--lro-seconds", type=float, default=2.0)
    p.add_argument("--run-seconds", type=float, default=2.0)
    p.add_argument(
        "--probe-alert-seconds",
        type=float,
        default=2.0,
        help="delay before a javascript: user agent on the gateway raises its alert",
    )
    p.add_argument("--ca-out", type=Path, default=None, metavar="PATH")
    p.add_argument("--token", default=None)
    p.add_argument(
        "--hostile",
        action="store_true",
        help="put attackers' payloads (terminal escapes, markup, bidi, surrogates) in every text",
    )
    return p


def config_from_args(argv: list[str] | None = None) -> EmulatorConfig:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error(
            f"--host {args.host!r} is not a loopback address; the emulator only serves loopback"
        )
    try:
        return EmulatorConfig(
            host=args.host,
            port=args.port,
            seed=args.seed,
            scale=args.scale,
            page_size=args.page_size,
            alert_rate_per_min=args.alert_rate,
            latency_ms=args.latency_ms,
            fault_rate=args.fault_rate,
            lro_seconds=args.lro_seconds,
            run_seconds=args.run_seconds,
            probe_alert_seconds=args.probe_alert_seconds,
            ca_out=args.ca_out,
            token=args.token,
            hostile=args.hostile,
        )
    except ValueError as exc:
        parser.error(str(exc))


async def _serve(config: EmulatorConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows has no add_signal_handler
            loop.add_signal_handler(sig, stop.set)
    async with Emulator(config) as emu:
        # The token is printed on purpose: it is a random, loopback-only throwaway.
        print(f"ARM endpoint: {emu.url}", flush=True)
        print(f"CA file: {emu.ca_path}", flush=True)
        print(f"Token: {emu.token}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    config = config_from_args(argv)
    try:
        asyncio.run(_serve(config))
    except OSError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
