from __future__ import annotations

from datetime import datetime, timezone

from apiwatch.azure.wire import parse_time
from apiwatch.model import (
    AlertStatus,
    ArmId,
    AssessmentStatus,
    Health,
    Recommendation,
    Severity,
    endpoint_health,
)
from apiwatch.redact import redact


def rec(status: str) -> Recommendation:
    return Recommendation(
        key="k", resource_id="/r", display_name="", status=AssessmentStatus.parse(status),
        cause=None, status_description=None, first_evaluated=None, status_changed=None,
        severity=Severity.parse(None), description=None, remediation=None,
    )


def test_unknown_enum_values_are_kept_and_shown():
    sev = Severity("Critical2")
    assert sev.value == "Critical2" and str(sev) == "Critical2" and not sev.known
    assert Severity("high") is Severity.HIGH
    assert AlertStatus("Snoozed").is_open
    assert not AlertStatus("Dismissed").is_open
    assert sorted([Severity.LOW, Severity.HIGH, Severity.INFORMATIONAL], key=lambda s: s.rank) == [
        Severity.INFORMATIONAL, Severity.LOW, Severity.HIGH,
    ]


def test_endpoint_health_from_assessments():
    assert endpoint_health([rec("Healthy"), rec("Unhealthy")]) is Health.UNHEALTHY
    assert endpoint_health([rec("Healthy"), rec("NotApplicable")]) is Health.HEALTHY
    assert endpoint_health([rec("NotApplicable")]) is Health.NOT_APPLICABLE
    assert endpoint_health([]) is Health.UNKNOWN_HEALTH
    assert endpoint_health([rec("Healthy"), rec("Pending")]) is Health.UNKNOWN_HEALTH


def test_arm_id_parts_and_type():
    arm = ArmId.parse(
        "/subscriptions/S/resourcegroups/RG/providers/Microsoft.ApiManagement/service/svc/apis/a/"
        "operations/o"
    )
    assert (arm.subscription_id, arm.resource_group) == ("S", "RG")
    assert arm.resource_type == "Microsoft.ApiManagement/service/apis/operations"
    assert arm.name_of("apis") == "a" and arm.name == "o"


def test_times_with_seven_fraction_digits_and_offsets():
    assert parse_time("2020-02-23T13:47:58.9205584Z") == datetime(
        2020, 2, 23, 13, 47, 58, 920558, timezone.utc
    )
    assert parse_time("2022-01-17T07:03:52.034Z").microsecond == 34000
    assert parse_time("2022-01-17T07:03:52+02:00").utcoffset().total_seconds() == 7200
    assert parse_time("garbage") is None and parse_time(12) is None
    # Azure's usual shape has a fast path; what only looks like it is still refused
    assert parse_time("2020-13-23T13:47:58.9205584Z") is None  # month 13
    assert parse_time("2020-02-23T13:47:5x.9205584Z") is None  # not a digit
    assert parse_time("2020-02-23.13:47:58.9205584Z") is None  # not a date and a time


def test_redact_hides_sig_and_bearer_tokens():
    url = "https://h/workflows/1/triggers/manual/paths/invoke?api-version=2016-10-01&sv=1.0&sig=AbC123xyz"
    out = redact(f"POST {url} failed; Authorization: Bearer eyJhbGciOi.abc.def")
    assert "AbC123xyz" not in out and "eyJhbGciOi" not in out
    assert "sig=[redacted]" in out and "sv=1.0" in out


def test_redact_hides_a_login_in_a_url():
    out = redact("407, message='Proxy Authentication Required', url='http://alice:S3cret@10.0.0.1:3128'")
    assert "S3cret" not in out and "alice" not in out
    assert "http://[redacted]@10.0.0.1:3128" in out
    assert redact("mail bob@example.com") == "mail bob@example.com"


def test_log_records_are_redacted(tmp_path, monkeypatch):
    import logging
    import logging.handlers

    from apiwatch.logs import setup_logging

    monkeypatch.setenv("APIWATCH_LOG_DIR", str(tmp_path))
    path = setup_logging("DEBUG")
    log = logging.getLogger("apiwatch.test")
    log.info("posting to %s", "https://h/x?api-version=1&sig=SeCrEt123&sv=1")
    try:
        raise ValueError("Authorization: Bearer tok.en.value failed")
    except ValueError:
        log.exception("boom")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text()
    for handler in list(logging.getLogger().handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            logging.getLogger().removeHandler(handler)
            handler.close()
    assert "sig=[redacted]" in text and "SeCrEt123" not in text
    assert "tok.en.value" not in text and "boom" in text


def test_assessment_ids_are_derived_when_usual_and_kept_when_not():
    from apiwatch.azure.assessments import parse_assessment

    op = ("/subscriptions/s/resourceGroups/g/providers/Microsoft.ApiManagement/service/a"
          "/apis/orders/operations/get")
    usual = f"{op}/providers/Microsoft.Security/assessments/k1"
    rec = parse_assessment({"id": usual, "name": "k1",
                            "properties": {"resourceDetails": {"Id": op}}})
    assert rec.id == usual and rec.odd_id is None  # nothing stored twice
    cased = usual.replace("/providers/Microsoft.Security/", "/providers/microsoft.security/")
    rec = parse_assessment({"id": cased, "name": "k1",
                            "properties": {"resourceDetails": {"Id": op}}})
    assert rec.id == cased  # Azure's own spelling, as sent


def test_read_everywhere_needs_every_source_of_every_subscription_and_the_tenant():
    from datetime import datetime, timezone

    from apiwatch.model import ReadProgress, Snapshot, SourceHealth, Subscription

    now = datetime(2026, 11, 24, tzinfo=timezone.utc)
    subs = (Subscription("S1", "one"), Subscription("s2", "two"))
    health = [SourceHealth(src, sub, "ok", now) for sub in ("s1", "S2") for src in ("a", "b")]
    partial = Snapshot(taken_at=now, subscriptions=subs, health=tuple(health))
    assert not partial.read_everywhere(("a", "b"), ("graph",))
    failed = SourceHealth("graph", None, "failing", None, "HTTP 503")
    whole = Snapshot(taken_at=now, subscriptions=subs, health=(*health, failed))
    assert whole.read_everywhere(("a", "b"), ("graph",))  # a failure counts as tried
    assert not whole.read_everywhere(("a", "b", "c"), ("graph",))
    assert not Snapshot(taken_at=now).read_everywhere(("a",), ())  # no subscriptions yet
    assert partial.progress(("a", "b"), ("graph",)) == ReadProgress(2, 2, tenant_read=False)
    one = Snapshot(taken_at=now, subscriptions=subs, health=tuple(health[:3]))
    assert one.progress(("a", "b")) == ReadProgress(1, 2)  # s2 lacks b
    assert one.progress(("a",)).complete


def test_indexes_built_in_slices_are_the_ones_built_at_once():
    from dataclasses import replace

    from apiwatch import steps
    from apiwatch.model import Snapshot
    from apiwatch.model import snapshot as snapshot_module

    now = datetime(2026, 11, 24, tzinfo=timezone.utc)
    recs = tuple(replace(rec("Unhealthy" if i % 3 else "Healthy"), resource_id=f"/R/{i % 7}/",
                         key=f"k{i}") for i in range(50))
    snap = Snapshot(taken_at=now, recommendations=recs)
    assert snap.recommendations[0].resource_key == "/r/0"
    at_once = dict(replace(snap).recommendations_by_resource)

    slices = []
    gen = snap.index_steps()
    snapshot_module.GROUPED_PER_STEP, was = 4, snapshot_module.GROUPED_PER_STEP
    try:
        while True:
            try:
                next(gen)
            except StopIteration:
                break
            slices.append("recommendations_by_resource" in snap.__dict__)
    finally:
        snapshot_module.GROUPED_PER_STEP = was
    assert len(slices) > 10 and not any(slices)  # kept only once whole
    assert snap.recommendations_by_resource == at_once
    assert sorted(len(v) for v in at_once.values()) == [7] * 6 + [8]
    assert snap.alerts_by_resource == {}
    assert steps.run(snap.index_steps()) is None  # built: nothing left to do


def test_metadata_fills_only_what_the_assessment_lacks_and_keeps_every_other_field():
    import dataclasses
    from datetime import datetime, timezone

    from apiwatch.model import AssessmentMetadata, AssessmentStatus, Recommendation, Severity

    when = datetime(2026, 11, 24, tzinfo=timezone.utc)
    rec = Recommendation(
        key="k1", resource_id="/subscriptions/s/resourceGroups/g/x", display_name="",
        status=AssessmentStatus.UNHEALTHY, cause="c", status_description="d",
        first_evaluated=when, status_changed=when, severity=Severity.UNKNOWN_SEVERITY,
        description=None, remediation="own fix", portal_uri="https://portal/x", odd_id="/odd/id",
    )
    meta = AssessmentMetadata("k1", "From metadata", Severity.HIGH, "meta says", "meta fix")
    filled = rec.with_metadata(meta)
    assert (filled.display_name, filled.severity, filled.description, filled.remediation) == (
        "From metadata", Severity.HIGH, "meta says", "own fix")
    # every other field kept, those with defaults too (a constructor call can forget them)
    assert filled == dataclasses.replace(rec, display_name="From metadata",
                                         severity=Severity.HIGH, description="meta says")
    assert filled.resource_key == rec.resource_key
