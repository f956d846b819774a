"""Command line: the console (default) and headless commands for scripts.

Exit codes: 0 success; 1 some sources or subscriptions failed (the rest is still printed, the
failures listed on stderr); 2 usage or configuration error."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__, export
from .config import Config, ConfigError, load_config
from .headless import ACTION_COMMANDS, add_action_commands, run_action, run_audit
from .model import Snapshot
from .redact import redact
from .safe_text import encodable_json, shown, shown_tree

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def _common(*, suppress: bool) -> argparse.ArgumentParser:
    flag: Any = argparse.SUPPRESS if suppress else False
    value: Any = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    source = common.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", default=flag,
                        help="use the embedded demo tenant (a local ARM emulator)")
    source.add_argument("--config", metavar="PATH", default=value,
                        help="configuration file (default: $APIWATCH_CONFIG, then the user "
                             "config dir)")
    common.add_argument("--hostile", action="store_true", default=flag,
                        help="with --demo: the demo tenant's text carries attackers' payloads "
                             "(terminal escapes, markup, bidi, surrogates), to see that "
                             "apiwatch shows them as text")
    common.add_argument("--read-only", action="store_true", default=flag,
                        help="refuse every write to Azure (also config [actions] read_only)")
    return common


def _parser() -> argparse.ArgumentParser:
    # The options go before or after the command (`apiwatch --demo alerts`, `apiwatch alerts
    # --demo`); a subcommand's copy must not reset what was given before it, so its defaults
    # are suppressed and only the top level's apply.
    top, common = _common(suppress=False), _common(suppress=True)
    parser = argparse.ArgumentParser(
        prog="apiwatch", parents=[top],
        description="A terminal console for Microsoft Defender for APIs.",
    )
    parser.add_argument("--version", action="version", version=f"apiwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in (
        ("inventory", "API collections with counters, APIs not onboarded, endpoints with health"),
        ("alerts", "security alerts, newest first"),
        ("recommendations", "Defender for APIs recommendations with their resources"),
    ):
        cmd = sub.add_parser(name, parents=[common], help=text, description=text)
        cmd.add_argument("--json", action="store_true", help="print JSON (the default is text)")
    add_action_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Whatever text reaches a stream that cannot encode it (a lone surrogate from a hostile
    # answer) is written escaped: a command must not die, printing nothing, on one character.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    from .logs import setup_logging

    setup_logging()
    if args.command == "audit":
        return run_audit(args)
    demo = None
    try:
        if args.demo:
            from .demo import start_demo

            demo = start_demo(alert_rate_per_min=0.0 if args.command else 6.0,
                              hostile=args.hostile)
            config = demo.config
        elif args.hostile:
            raise ConfigError("--hostile needs --demo: it changes the embedded tenant's answers")
        else:
            config = load_config(args.config)
    except ConfigError as exc:
        print(f"apiwatch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "read_only", False):
        config = config.with_actions(read_only=True)
    try:
        if args.command in ACTION_COMMANDS:
            return asyncio.run(run_action(args, config))
        if args.command is None:
            from .tui.app import run_console

            try:
                return run_console(config)
            except ConfigError as exc:
                print(f"apiwatch: {exc}", file=sys.stderr)
                return EXIT_USAGE
        return asyncio.run(_headless(args.command, args.json, config))
    except KeyboardInterrupt:
        return 130
    finally:
        if demo is not None:
            demo.stop()


VIEWS: dict[str, Callable[[Snapshot], dict[str, Any]]] = {
    "inventory": export.inventory,
    "alerts": export.alerts,
    "recommendations": export.recommendations,
}


async def _headless(command: str, as_json: bool, config: Config) -> int:
    from .azure.session import ArmSession
    from .poller.once import read_snapshot

    async with ArmSession(config.azure) as session:
        snapshot = await read_snapshot(session, config.azure.subscriptions)
    view = VIEWS[command](snapshot)
    if as_json:  # exact: the encoder escapes control characters, and surrogates are escaped
        print(encodable_json(redact(json.dumps(view, indent=2, ensure_ascii=False))))
    else:  # for a terminal: every string from Azure drawn as characters (safe_text)
        print(redact(TEXT[command](shown_tree(view))))
    for failure in _unique(snapshot):
        print(f"apiwatch: {shown(failure)}", file=sys.stderr)
    return EXIT_PARTIAL if snapshot.failures else EXIT_OK


def _unique(snapshot: Snapshot) -> list[str]:
    return list(dict.fromkeys(redact(str(f)) for f in snapshot.failures))


def _count(value: Any) -> str:
    return "?" if value is None else str(value)


def _inventory_text(view: dict[str, Any]) -> str:
    """One line per collection: Defender's counters (endpoints= is its own count), the APIM
    operations read; a display name that repeats is told apart by its APIM service."""
    names = Counter(c["display_name"] for c in view["collections"])
    lines = []
    for c in view["collections"]:
        name = c["display_name"]
        if names[name] > 1:
            name = f"{name} ({c['service_name'] or '?'})"
        lines.append(
            f"{name:<32} endpoints={_count(c['endpoint_count'])} "
            f"operations={len(c['operations'])} "
            f"inactive={_count(c['inactive'])} unauthenticated={_count(c['unauthenticated'])} "
            f"external={_count(c['external'])} sensitive={_count(c['sensitive'])} "
            f"label={c['sensitivity_label'] or '-'}"
        )
    for a in view["not_onboarded"]:
        lines.append(f"{a['display_name']:<32} NOT ONBOARDED ({a['service_name']})")
    return "\n".join(lines)


def _alerts_text(view: dict[str, Any]) -> str:
    return "\n".join(
        f"{a['time_generated'] or '':<28} {a['severity']:<13} {a['status']:<10} "
        f"{a['display_name']}"
        for a in view["alerts"]
    )


def _recommendations_text(view: dict[str, Any]) -> str:
    return "\n".join(
        f"{r['unhealthy']:>5} unhealthy  {r['severity']:<8} {r['display_name']}"
        for r in view["recommendations"]
    )


TEXT: dict[str, Callable[[dict[str, Any]], str]] = {
    "inventory": _inventory_text,
    "alerts": _alerts_text,
    "recommendations": _recommendations_text,
}
