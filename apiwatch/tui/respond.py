"""The console's writes: each one picked, previewed and confirmed in a dialog (focus on Cancel),
sent through the actions layer (audited there), and followed in a progress dialog."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from rich.console import Group
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from ..actions.alert_state import STATES, change_alert_state
from ..actions.context import ActionContext, ActionResult, ReadOnlyError
from ..actions.identity import signed_in_identity
from ..actions.logic_apps import LogicAppChoice, logic_app_choices, trigger_logic_app
from ..actions.onboarding import offboard, onboard
from ..actions.simulate import asc_location, probe_endpoint, probe_url, sample_alerts
from ..actions.targets import TargetError, trigger_items
from ..azure.errors import describe
from ..console.outcome import Outcome
from ..model import Alert, normalize
from ..redact import redact
from ..safe_text import shown
from . import format as fmt
from .screens.dialogs import ConfirmScreen, PickScreen, ProgressScreen
from .text import add_row, data

if TYPE_CHECKING:
    from textual.screen import Screen

    from ..actions.audit import AuditLog
    from ..azure.session import ArmSession
    from ..config import Config
    from ..console.state import ConsoleState

PREVIEW_LINES = 40
# What a state change is called where the user decides (button, question) and waits for it:
# what will happen, not the state the alert ends in ("Dismissed", "InProgress").
ALERT_STATE_WORDS = {
    "dismiss": ("Dismiss", "Dismiss {what}?", "Dismissing {what}"),
    "resolve": ("Resolve", "Resolve {what}?", "Resolving {what}"),
    "inprogress": ("Set in progress", "Set {what} in progress?", "Setting {what} in progress"),
    "active": ("Reactivate", "Reactivate {what}?", "Reactivating {what}"),
}


class Dialogs(Protocol):
    """What the responder needs of the console: to ask, to show, to say."""

    def ask(self, screen: Screen[Any]) -> Awaitable[Any]: ...  # a dialog, waited for

    def show(self, screen: Screen[Any]) -> Awaitable[Any]: ...  # a dialog it updates itself

    def say(self, text: str, severity: str = "information") -> None: ...  # a toast

    def bell(self) -> None: ...


class Responder:
    """Each write flow reads the console's state, asks through `dialogs`, and returns the
    Outcome for the app to apply (None when nothing was done)."""

    def __init__(self, dialogs: Dialogs, state: ConsoleState, config: Config,
                 audit: Callable[[], AuditLog],
                 session: Callable[[], Awaitable[ArmSession]]) -> None:
        self.dialogs = dialogs
        self.state = state
        self.config = config
        self._audit = audit
        self._session = session
        self._identity: str | None = None

    async def _context(self, progress: ProgressScreen) -> ActionContext:
        session = await self._session()
        if self._identity is None:
            self._identity = await signed_in_identity(session.credential,
                                                      self.config.azure.scope)
        return ActionContext(session, self._audit(), self._identity, self.state.read_only,
                             on_progress=progress.update)

    async def _run(self, title: str, labels: Sequence[str],
                   work: Callable[[ActionContext], Awaitable[ActionResult]]) -> ActionResult | None:
        progress = ProgressScreen(title, labels)
        # Mounted before the first result can reach it: a fast answer once updated a dialog
        # not yet composed and took the console down (NoMatches '#rows').
        await self.dialogs.show(progress)
        try:
            ctx = await self._context(progress)
            result = await work(ctx)
        except ReadOnlyError as exc:
            progress.finish(None, str(exc))
            return None
        except Exception as exc:  # the console stays up; the dialog says what went wrong
            progress.finish(None, redact(describe(exc).message))
            return None
        progress.finish(result)
        return result

    def _blocked(self) -> bool:
        if self.state.read_only:
            self.dialogs.say("Read-only mode: writes are off (W turns them on).", "warning")
            self.dialogs.bell()
            return True
        return False

    # -- trigger a logic app ----------------------------------------------------------------
    async def trigger(self, resource_ids: Sequence[str],
                      recommendation: str | None) -> Outcome | None:
        if self._blocked() or self.state.views is None:
            return
        snapshot = self.state.views.snapshot
        try:
            items, kind, subscription = trigger_items(snapshot, resource_ids, recommendation)
        except TargetError as exc:
            self.dialogs.say(str(exc), severity="error")
            return
        choices = logic_app_choices(snapshot, subscription, kind)
        sub_name = next((s.label for s in snapshot.subscriptions
                         if s.subscription_id.lower() == subscription), subscription)
        if not choices:
            article = "an" if kind[:1] in "aeiou" else "a"
            self.dialogs.say(f"No logic app in {sub_name} can take {article} {kind}.",
                             severity="warning")
            return
        choice: LogicAppChoice | None = await self.dialogs.ask(PickScreen(
            f"Trigger a logic app on {len(items)} {kind}(s) in {sub_name}",
            [(_choice_label(c), c, c.selectable) for c in choices],
            note="Logic apps named by Defender workflow automations, and logic apps whose "
                 "trigger can be called. Disabled ones cannot be picked.",
        ))
        if choice is None:
            return
        recent = self._audit().recently_triggered(
            choice.app.id, [i.resource_id for i in items],
            timedelta(minutes=self.config.actions.retrigger_minutes),
        )
        body = Table.grid(padding=(0, 2))
        body.add_column(style="bold")
        body.add_column()
        add_row(body, "Subscription", f"{sub_name} ({subscription})")
        add_row(body, "Logic app", f"{choice.app.name} ({choice.app.resource_group}) · "
                                   f"trigger {choice.trigger.name if choice.trigger else '-'}")
        add_row(body, "Resources", f"{len(items)} {kind} payload(s), one POST each")
        parts: list = [body]
        if recent:
            parts.append(data(
                f"\n{choice.app.name} was triggered on {len(recent)} of these within the last "
                f"{self.config.actions.retrigger_minutes:g} minutes. Trigger again?",
                style="bold yellow",
            ))
        preview = json.dumps(items[0].payload, indent=2).splitlines()
        if len(preview) > PREVIEW_LINES:
            preview = [*preview[:PREVIEW_LINES], "  …"]
        parts.append(Text("\nPayload of the first resource:", style="bold"))
        parts.append(Syntax("\n".join(preview), "json", theme="ansi_dark", word_wrap=True))
        many = f"{len(items)} {kind}s" if len(items) != 1 else f"this {kind}"
        if not await self.dialogs.ask(ConfirmScreen(
            f"Trigger {choice.app.name}{' again' if recent else ''} on {many}?", Group(*parts),
            "Trigger again" if recent else "Trigger",
        )):
            return
        labels = [_short(i.resource_id) for i in items]
        follow = self.config.actions.follow_seconds
        result = await self._run(
            f"Triggering {choice.app.name}", labels,
            lambda ctx: trigger_logic_app(ctx, choice, items, follow_seconds=follow))
        return None if result is None else Outcome(audit_changed=True)

    # -- alert state ------------------------------------------------------------------------
    async def alert_state(self, alerts: Sequence[Alert], state: str) -> Outcome | None:
        if self._blocked() or not alerts:
            return
        _, status = STATES[state]
        button, ask, doing = ALERT_STATE_WORDS[state]
        what = "this alert" if len(alerts) == 1 else f"{len(alerts)} alerts"
        body = Text(f"Defender for Cloud will show {'it' if len(alerts) == 1 else 'them'} as "
                    f"{fmt.status(status).plain}:\n")
        for alert in alerts[:12]:
            body.append(f"  {alert.severity.value:<13} {shown(alert.display_name)}\n")
        if len(alerts) > 12:
            body.append(f"  … and {len(alerts) - 12} more\n")
        if not await self.dialogs.ask(ConfirmScreen(
            ask.format(what=what), body, button, danger=state == "dismiss",
        )):
            return
        result = await self._run(doing.format(what=what), [a.display_name for a in alerts],
                                 lambda ctx: change_alert_state(ctx, alerts, state))
        if result is not None:
            done = {t.resource_id for t in result.targets if t.outcome == "succeeded"}
            return Outcome(alert_status=(frozenset(done), status), audit_changed=True)
        return None

    # -- sample alerts and simulated detections ---------------------------------------------
    async def sample_alerts(self) -> Outcome | None:
        if self._blocked() or self.state.views is None:
            return
        snapshot = self.state.views.snapshot
        failed = snapshot.failed_subscriptions()
        subs = [s for s in snapshot.subscriptions if s.subscription_id not in failed]
        if not subs:
            self.dialogs.say("No readable subscription.", severity="warning")
            return
        sub = subs[0] if len(subs) == 1 else await self.dialogs.ask(PickScreen(
            "Create sample alerts in which subscription?",
            [(f"{s.label} ({s.subscription_id})", s, True) for s in subs],
        ))
        if sub is None:
            return
        location = asc_location(snapshot, sub.subscription_id)
        if location is None:
            self.dialogs.say("Defender's location for this subscription is not known yet.",
                             severity="error")
            return
        body = Text(f"Ask Defender for Cloud to create sample Defender for APIs alerts in "
                    f"{sub.label} ({location}). They arrive in the live feed in a few minutes "
                    "and also reach SIEM, workflow automation and email like real alerts.")
        if not await self.dialogs.ask(ConfirmScreen(f"Create sample alerts in {sub.label}?",
                                                        body, "Create", danger=False)):
            return
        result = await self._run("Creating sample alerts", [sub.label],
                                 lambda ctx: sample_alerts(ctx, sub.subscription_id, location))
        if result is None:
            return None
        return Outcome(audit_changed=True, refresh_in=0 if result.ok else None)

    async def probe(self, endpoint_key: str) -> Outcome | None:
        if self._blocked() or self.state.views is None:
            return
        view = self.state.views.endpoints_by_key.get(endpoint_key)
        if view is None:
            return
        url = probe_url(view)
        if url is None:
            self.dialogs.say("The endpoint's gateway URL is not known.", severity="error")
            return
        body = Text.assemble(
            "Send one request, as Microsoft documents for validating Defender for APIs:\n\n",
            (f"  {shown(view.endpoint.method)} {shown(url)}\n  User-Agent: javascript:\n\n",
             "bold"),
            "Defender raises \"Suspicious User Agent detected\" after a while"
            + ("." if view.onboarded else
               " — but this API is not onboarded, so Defender will not see it."),
        )
        if not await self.dialogs.ask(ConfirmScreen(f"Send a probe to {view.label}?", body,
                                                        "Send", danger=False)):
            return
        result = await self._run("Sending the probe", [view.label],
                                 lambda ctx: probe_endpoint(ctx, view))
        if result is None:
            return None
        # the probe's alert comes from Defender "after some time": look again shortly
        return Outcome(audit_changed=True, refresh_in=5 if result.ok else None)

    # -- onboarding -------------------------------------------------------------------------
    async def onboarding(self, api_key: str, *, on: bool) -> Outcome | None:
        if self._blocked() or self.state.views is None:
            return
        api = self.state.views.apis.get(normalize(api_key))
        if api is None:
            return
        onboarded = api.key in self.state.views.snapshot.onboarded_api_keys
        if onboarded == on:
            self.dialogs.say(f"{api.display_name} is {'already' if on else 'not'} onboarded.")
            return
        verb = "Onboard" if on else "Offboard"
        text = (f"{verb} {api.display_name} ({api.service_name}) "
                f"{'to' if on else 'from'} Defender for APIs.\n\n")
        text += ("Onboarding adds load on the API Management instance; Microsoft advises "
                 "onboarding gradually. First insights arrive after about 30 minutes."
                 if on else "Defender stops monitoring this API's traffic.")
        if not await self.dialogs.ask(ConfirmScreen(f"{verb} {api.display_name}?",
                                                        Text(text), verb, danger=not on)):
            return
        runner = onboard if on else offboard
        result = await self._run(f"{verb}ing {api.display_name}", [api.display_name],
                                 lambda ctx: runner(ctx, api.id))
        if result is None:
            return None
        return Outcome(audit_changed=True, refresh_in=0 if result.ok else None)


def _choice_label(choice: LogicAppChoice) -> Text:
    text = data(choice.app.name, style="bold" if choice.selectable else "dim")
    text.append(shown(f"  {choice.app.resource_group or '-'} · {choice.trigger_kind}"),
                style="dim")
    if choice.automations:
        text.append(shown(f" · automation: {', '.join(choice.automations)}"), style="dim")
    if not choice.selectable:
        text.append(shown(f"  ({choice.reason})"), style="italic")
    return text


def _short(resource_id: str) -> str:
    parts = resource_id.rstrip("/").split("/")
    return "/".join(parts[-3:]) if len(parts) > 3 else resource_id
