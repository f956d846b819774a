"""Headless actions for runbooks: the same writes as the console, the same audit, the same rules.
Each refuses to run without `--yes`; read-only mode refuses with exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import Any

from .actions.alert_state import STATES, change_alert_state
from .actions.audit import AuditLog, open_audit_log
from .actions.context import ActionContext, ActionResult, ReadOnlyError
from .actions.identity import signed_in_identity
from .actions.logic_apps import trigger_logic_app
from .actions.onboarding import offboard, onboard
from .actions.simulate import asc_location, probe_endpoint, sample_alerts
from .actions.targets import TargetError, pick_logic_app, trigger_items
from .config import Config
from .export import plain
from .model import Snapshot, normalize
from .model.audit import AuditEntry
from .redact import redact
from .safe_text import encodable_json, shown
from .store.views import Views

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


class Refused(Exception):
    """A one-line reason to exit 2 without writing anything."""


def add_action_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    act = argparse.ArgumentParser(add_help=False)
    act.add_argument("--yes", action="store_true", help="really do it (required)")
    act.add_argument("--json", action="store_true", help="print the result as JSON")

    p = sub.add_parser("trigger", parents=[common, act],
                       help="trigger a logic app on unhealthy resources or alerts")
    p.add_argument("--logic-app", required=True, metavar="NAME_OR_ID")
    p.add_argument("--resource", required=True, action="append", metavar="ID",
                   help="an unhealthy resource (endpoint, API, ...) or an alert id; repeatable")
    p.add_argument("--recommendation", metavar="KEY",
                   help="only this recommendation's assessments (default: every unhealthy one)")
    p.add_argument("--again", action="store_true",
                   help="trigger even if this logic app ran on these resources a moment ago")
    p.add_argument("--no-follow", action="store_true", help="do not wait for the runs to end")

    p = sub.add_parser("alert-state", parents=[common, act], help="dismiss, resolve, ... alerts")
    p.add_argument("--state", required=True, choices=sorted(STATES))
    p.add_argument("--alert", required=True, action="append", metavar="ID")

    p = sub.add_parser("simulate", parents=[common, act],
                       help="create sample alerts, or send a suspicious-user-agent probe")
    p.add_argument("--subscription", required=True, metavar="ID")
    p.add_argument("--endpoint", metavar="ID",
                   help="probe this endpoint (User-Agent: javascript:) instead of sample alerts")

    for name, text in (("onboard", "onboard an APIM API to Defender for APIs"),
                       ("offboard", "offboard an APIM API from Defender for APIs")):
        p = sub.add_parser(name, parents=[common, act], help=text)
        p.add_argument("--api", required=True, metavar="ID")

    p = sub.add_parser("audit", parents=[common], help="the audit log of every action")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=200)


ACTION_COMMANDS = {"trigger", "alert-state", "simulate", "onboard", "offboard"}


def run_audit(args: argparse.Namespace) -> int:
    log = open_audit_log()
    try:
        if args.json:
            print(encodable_json(log.to_json(args.limit)))
        else:
            print(audit_text(log.entries(args.limit)))
    finally:
        log.close()
    return EXIT_OK


AUDIT_HEADER = ("STARTED (UTC)", "OUTCOME", "IDENTITY", "ACTION")


def audit_text(entries: list[AuditEntry]) -> str:
    """The audit log in aligned columns, two spaces apart: an identity longer than a fixed
    width ran into the summary ("static token (local emulator)set 2 alert(s) ...")."""
    rows = [AUDIT_HEADER] + [
        (f"{e.started_at:%Y-%m-%d %H:%M:%S}", e.outcome or "in flight",
         shown(redact(e.identity)), shown(redact(e.summary)))
        for e in entries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join([*(row[i].ljust(widths[i]) for i in range(3)), row[3]]) for row in rows
    )


async def run_action(args: argparse.Namespace, config: Config) -> int:
    from .azure.session import ArmSession
    from .poller.once import read_snapshot

    if not args.yes:
        print(f"apiwatch: {args.command} writes to Azure; add --yes to do it", file=sys.stderr)
        return EXIT_USAGE
    if config.actions.read_only:
        print(f"apiwatch: {ReadOnlyError()}", file=sys.stderr)
        return EXIT_USAGE
    audit = open_audit_log()
    try:
        async with ArmSession(config.azure) as session:
            snapshot = await read_snapshot(session, config.azure.subscriptions)
            identity = await signed_in_identity(session.credential, config.azure.scope)
            ctx = ActionContext(session, audit, identity, config.actions.read_only,
                                on_progress=lambda seq, r: _progress(args, r))
            try:
                result = await _dispatch(args, ctx, snapshot, config, audit)
            except Refused as exc:
                print(f"apiwatch: {shown(redact(str(exc)))}", file=sys.stderr)
                return EXIT_USAGE
    finally:
        audit.close()
    if args.json:
        print(encodable_json(json.dumps(plain(result), indent=2, ensure_ascii=False)))
    return EXIT_OK if result.ok else EXIT_PARTIAL


def _progress(args: argparse.Namespace, result: Any) -> None:
    if not args.json:
        print(shown(redact(f"{result.outcome:<9} {result.resource_id}  {result.detail or ''}")),
              flush=True)


async def _dispatch(args: argparse.Namespace, ctx: ActionContext, snapshot: Snapshot,
                    config: Config, audit: AuditLog) -> ActionResult:
    if args.command == "alert-state":
        wanted = {normalize(a) for a in args.alert}
        alerts = [a for a in snapshot.alerts if normalize(a.id) in wanted or a.name in args.alert]
        missing = len(wanted) - len(alerts)
        if missing > 0 or not alerts:
            raise Refused(f"{max(missing, 1)} alert(s) not found among the alerts read")
        return await change_alert_state(ctx, alerts, args.state)
    if args.command == "simulate":
        if args.endpoint:
            view = Views(snapshot).endpoints_by_key.get(normalize(args.endpoint))
            if view is None:
                raise Refused(f"endpoint not found: {args.endpoint}")
            return await probe_endpoint(ctx, view)
        location = asc_location(snapshot, args.subscription)
        if location is None:
            raise Refused(f"no Defender location known for subscription {args.subscription}")
        return await sample_alerts(ctx, args.subscription, location)
    if args.command in ("onboard", "offboard"):
        try:
            return await (onboard if args.command == "onboard" else offboard)(ctx, args.api)
        except ValueError as exc:
            raise Refused(str(exc)) from None
    return await _trigger(args, ctx, snapshot, config, audit)


async def _trigger(args: argparse.Namespace, ctx: ActionContext, snapshot: Snapshot,
                   config: Config, audit: AuditLog) -> ActionResult:
    try:
        items, kind, subscription = trigger_items(snapshot, args.resource, args.recommendation)
        choice = pick_logic_app(snapshot, subscription, kind, args.logic_app)
    except TargetError as exc:
        raise Refused(str(exc)) from None
    recent = audit.recently_triggered(
        choice.app.id, [i.resource_id for i in items],
        timedelta(minutes=config.actions.retrigger_minutes),
    )
    if recent and not args.again:
        raise Refused(f"{choice.app.name} was triggered on {len(recent)} of these resource(s) "
                      f"in the last {config.actions.retrigger_minutes:g} minutes; "
                      "add --again to trigger once more")
    follow = 0.0 if args.no_follow else config.actions.follow_seconds
    return await trigger_logic_app(ctx, choice, items, follow_seconds=follow)
