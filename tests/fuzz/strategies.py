"""Shared data and hypothesis strategies for the fuzz tests.

- `world()`: Microsoft's published example items (loaded at test time from
  ../shared/azure-examples), re-homed into one subscription and one APIM service so that
  collections, operations, assessments, alerts and Resource Graph rows point at each other.
- `json_values` / `arm_dicts`: arbitrary JSON, and dicts whose keys are the ARM property names the
  parsers read (in several casings), so that fuzzing reaches past the first `required_text`.
- `mutate()`: surprising-but-plausible edits of a real item (dropped keys, wrong types, nulls,
  recased keys, huge strings, unknown enum strings, odd timestamps, `properties` as a list).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from apiwatch.azure import alerts, apim, assessments, automation, collections, subscriptions
from apiwatch.azure.wire import BadItem
from apiwatch.model import (
    KEY_UNAUTHENTICATED,
    KEY_UNUSED,
    Alert,
    AlertStatus,
    ApiCollection,
    ApimApi,
    ApimService,
    AssessmentMetadata,
    AssessmentStatus,
    Endpoint,
    LogicApp,
    ProvisioningState,
    Recommendation,
    SecurityAutomation,
    Severity,
    Subscription,
    WorkflowState,
)

from ..conftest import EXAMPLES  # one place says where the examples are

# Reproducible in CI (derandomize), no example database written into the repository, and no
# deadline: a 100 kB string through ArmId.parse is slow on a loaded runner, not a bug.
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)

SUB = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # the subscription of the apiCollections examples
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SERVICE = (f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/"
           "apimService1")

SEC = "Microsoft.Security"
APIM = "Microsoft.ApiManagement/2024-05-01"
LOGIC = "Microsoft.Logic/2019-05-01"
EXAMPLE_FILES: dict[str, tuple[str, ...]] = {
    "collections": (
        f"{SEC}/2023-11-15/APICollections_ListBySubscription_example.json",
        f"{SEC}/2023-11-15/APICollections_ListByAzureApiManagementService_example.json",
        f"{SEC}/2023-11-15/APICollections_GetByAzureApiManagementService_example.json",
    ),
    "services": (f"{APIM}/ApiManagementListServiceBySubscription.json",),
    "apis": (f"{APIM}/ApiManagementListApis.json",),
    "operations": (f"{APIM}/ApiManagementListApiOperations.json",),
    "assessments": (
        f"{SEC}/2025-05-04/ListAssessments_example.json",
        f"{SEC}/2025-05-04/GetAssessment_example.json",
        f"{SEC}/2025-05-04/GetAssessmentWithExpand_example.json",
    ),
    "metadata": (
        f"{SEC}/2025-05-04/ListAssessmentsMetadata_example.json",
        f"{SEC}/2025-05-04/GetAssessmentsMetadata_example.json",
    ),
    "alerts": (
        f"{SEC}/2022-01-01/GetAlertsSubscription_example.json",
        f"{SEC}/2022-01-01/GetAlertsResourceGroup_example.json",
        f"{SEC}/2022-01-01/GetAlertSubscriptionLocation_example.json",
    ),
    "automations": (
        f"{SEC}/2023-12-01-preview/GetAutomationsSubscription_example.json",
        f"{SEC}/2023-12-01-preview/GetAutomationResourceGroup_example.json",
    ),
    "logic-apps": (f"{LOGIC}/Workflows_ListBySubscription.json", f"{LOGIC}/Workflows_Get.json"),
}

# A "kind" is one list of items with one parser: every source but apim is one kind; apim is three.
LIST_SOURCES = ("collections", "assessments", "alerts", "automations", "logic-apps",
                "subscriptions", "metadata")
APIM_KINDS = ("services", "apis", "operations")
KINDS = (*LIST_SOURCES, *APIM_KINDS)
ALL_SOURCES = (*LIST_SOURCES, "apim", "graph")

PARSERS: dict[str, Callable[[Any], Any]] = {
    "collections": collections.parse_collection,
    "services": apim.parse_service,
    "apis": apim.parse_api,
    "operations": apim.parse_operation,
    "assessments": assessments.parse_assessment,
    "metadata": assessments.parse_metadata,
    "alerts": alerts.parse_alert,
    "automations": automation.parse_automation,
    "logic-apps": automation.parse_workflow,
    "subscriptions": subscriptions.parse_subscription,
}
DOMAIN_TYPES: dict[str, type] = {
    "collections": ApiCollection,
    "services": ApimService,
    "apis": ApimApi,
    "operations": Endpoint,
    "assessments": Recommendation,
    "metadata": AssessmentMetadata,
    "alerts": Alert,
    "automations": SecurityAutomation,
    "logic-apps": LogicApp,
    "subscriptions": Subscription,
}
# The one wire property without which an item cannot be read, and where it lands.
IDENTITY_KEY = {"metadata": "name", "subscriptions": "subscriptionId"}
IDENTITY_ATTR = {"metadata": "key", "subscriptions": "subscription_id"}
# What parse_source catches around a per-item parser.
CAUGHT = (BadItem, TypeError, ValueError, AttributeError, KeyError)


def identity_key(kind: str) -> str:
    return IDENTITY_KEY.get(kind, "id")


def identity_of(kind: str, obj: Any) -> str:
    return getattr(obj, IDENTITY_ATTR.get(kind, "id"))


def dropped_by_parse_source(kind: str, obj: Any) -> bool:
    """parse_source keeps only API-related assessments and usable subscriptions (not an error)."""
    if kind == "assessments":
        return not obj.is_api_related
    if kind == "subscriptions":
        return not subscriptions.usable(obj)
    return False


def skipped_count(warnings: Iterable[Any]) -> int:
    """How many items the BadItem warnings say were skipped ("{n} item(s) could not be read")."""
    return sum(int(w.message.split()[0]) for w in warnings if w.code == "BadItem")


# -- Microsoft's examples, as one linked world --------------------------------------------------
def example_items(relative: str) -> list[dict[str, Any]]:
    path = EXAMPLES / relative
    if not path.is_file():
        pytest.fail(f"Microsoft example missing: {path} (set APIWATCH_EXAMPLES to its folder)")
    body = json.loads(path.read_text(encoding="utf-8-sig"))["responses"]["200"]["body"]
    return list(body.get("value", [body]))


_SUBSCRIPTION = re.compile(r"/subscriptions/[0-9a-f-]{36}", re.IGNORECASE)


def _rehome(item: Any) -> Any:
    return json.loads(_SUBSCRIPTION.sub(f"/subscriptions/{SUB}", json.dumps(item)))


def _load(kind: str) -> list[dict[str, Any]]:
    return [_rehome(i) for f in EXAMPLE_FILES[kind] for i in example_items(f)]


@cache
def _world() -> dict[str, list[dict[str, Any]]]:
    services = _load("services")
    services[0]["id"], services[0]["name"] = SERVICE, "apimService1"
    apis = _load("apis")  # already .../service/apimService1/apis/{name} once re-homed
    operations = []
    for i, op in enumerate(_load("operations")):
        op["id"] = f"{apis[i % len(apis)]['id']}/operations/{op['name']}"
        operations.append(op)

    template = _load("collections")[0]
    cols = []
    for api in apis[:-1]:  # the last API stays un-onboarded: the coverage gap
        col = copy.deepcopy(template)
        col["id"] = f"{SERVICE}/providers/Microsoft.Security/apiCollections/{api['name']}"
        col["name"] = api["name"]
        col["properties"]["discoveredVia"] = SERVICE
        col["properties"]["displayName"] = api["properties"]["displayName"]
        cols.append(col)

    recs = _load("assessments")
    for i, rec in enumerate(recs):
        op_id = operations[i % len(operations)]["id"]
        rec["id"] = f"{op_id}/providers/Microsoft.Security/assessments/{rec['name']}"
        rec["properties"].setdefault("resourceDetails", {"source": "Azure"})["id"] = op_id
    # Live Azure spells resourceDetails `Source`/`Id`; the two keys the endpoint view reads.
    for n, key in enumerate((KEY_UNUSED, KEY_UNAUTHENTICATED)):
        live = copy.deepcopy(recs[0])
        op_id = operations[n]["id"]
        live["id"], live["name"] = f"{op_id}/providers/Microsoft.Security/assessments/{key}", key
        live["properties"]["resourceDetails"] = {"Source": "Azure", "Id": op_id}
        live["properties"]["status"] = {"code": "Unhealthy", "cause": "", "description": ""}
        recs.append(live)

    metadata = _load("metadata")

    found_alerts = _load("alerts")
    for i, alert in enumerate(found_alerts):
        p = alert["properties"]
        idents = [r for r in p.get("resourceIdentifiers", []) if "azureResourceId" in r]
        target = operations[i % len(operations)]["id"]
        if idents:
            idents[0]["azureResourceId"] = target
        else:
            p.setdefault("resourceIdentifiers", []).append(
                {"type": "AzureResource", "azureResourceId": target})

    logic_apps = _load("logic-apps")
    for wf in logic_apps:
        wf["properties"]["definition"]["triggers"] = {
            "manual": {"type": "Request", "kind": "Http", "inputs": {"schema": {}}},
            "When_a_Microsoft_Defender_for_Cloud_alert_is_created_or_triggered": {
                "type": "ApiConnectionWebhook",
                "inputs": {"host": {"connection": {"name": "@parameters('$connections')"}},
                           "path": "/Microsoft.Security/Alert/subscribe"},
            },
        }
    automations = _load("automations")
    for auto in automations:
        for action in auto["properties"].get("actions", []):
            action["logicAppResourceId"] = logic_apps[0]["id"]

    subs = [
        {"id": f"/subscriptions/{SUB}", "authorizationSource": "RoleBased",
         "subscriptionId": SUB, "tenantId": TENANT, "displayName": "Contoso production",
         "state": "Enabled",
         "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                  "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"}},
        {"id": "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590",
         "subscriptionId": "0b1f6471-1bf0-4dda-aec3-cb9272f09590", "tenantId": TENANT,
         "displayName": "Old sandbox", "state": "Disabled"},
    ]

    pii_shapes: list[Any] = [{"Email": "RequestBody"}, "Email, PhoneNumber", ["CreditCard"], {}]
    rows = []
    for i, op in enumerate(operations):
        api_name = op["id"].split("/apis/")[1].split("/")[0]
        rows.append({
            "id": f"{SERVICE}/providers/Microsoft.Security/apiCollections/{api_name}"
                  f"/apiEndpoints/{op['name']}",
            "name": op["name"],
            "type": "microsoft.security/apicollections/apiendpoints",
            "tenantId": TENANT, "kind": "", "location": "", "resourceGroup": "rg1",
            "subscriptionId": SUB, "managedBy": "", "sku": None, "plan": None,
            "properties": {
                "DisplayName": op["properties"]["displayName"],
                "HttpMethod": op["properties"]["method"],
                "IsEndpointActive": "true" if i % 2 else "false",
                "IsEndpointAuthorized": "false" if i % 3 else "true",
                "IsExternal": "true",
                "PII": pii_shapes[i % len(pii_shapes)],
                "SensitivityLabel": "",
                "DiscoveryDate": "2024-05-01T10:00:00.123Z",
                "TriggerDate": "2024-06-01T08:30:00.1234567Z" if i % 2 else None,
            },
            "tags": None, "identity": None, "zones": None, "extendedLocation": None,
        })

    return {
        "collections": cols, "services": services, "apis": apis, "operations": operations,
        "assessments": recs, "metadata": metadata, "alerts": found_alerts,
        "automations": automations, "logic-apps": logic_apps, "subscriptions": subs,
        "graph": rows,
    }


def world() -> dict[str, list[dict[str, Any]]]:
    """A fresh deep copy every call: tests may edit what they get."""
    return copy.deepcopy(_world())


def world_items(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """One real item of a kind (deferred: the examples are read when the test runs)."""
    return st.deferred(lambda: st.sampled_from(range(len(_world()[kind])))).map(
        lambda i: copy.deepcopy(_world()[kind][i]))


# -- arbitrary JSON ------------------------------------------------------------------------------
# Floats are finite: a JSON number such as 1e999 (json.loads makes it inf) crashes parse_source
# through wire.integer; that bug is pinned in test_known_bugs.py instead of failing every test.
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_infinity=False)
           | st.text(max_size=20))
json_values = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)

READ_KEYS = (
    "DiscoveryDate", "IsEndpointActive", "IsEndpointAuthorized", "IsExternal", "PII",
    "TriggerDate", "actionType", "actions", "alertDisplayName", "alertType", "alertUri",
    "apiRevision", "assessmentType", "azurePortal", "azurePortalUri", "azureResourceId",
    "baseUrl", "categories", "cause", "code", "compromisedEntity", "correlationKey", "definition",
    "description", "discoveredVia", "displayName", "endTimeUtc", "entities", "eventSource",
    "extendedLinks", "extendedProperties", "firstEvaluationDate", "gatewayUrl", "id", "inputs",
    "intent", "isCurrent", "isEnabled", "isIncident", "links", "location", "logicAppResourceId",
    "metadata", "method", "name", "numberOfApiEndpoints",
    "numberOfApiEndpointsWithSensitiveDataExposed", "numberOfExternalApiEndpoints",
    "numberOfInactiveApiEndpoints", "numberOfUnauthenticatedApiEndpoints", "path",
    "policyDefinitionId", "processingEndTimeUtc", "productComponentName", "productName",
    "properties", "protocols", "provisioningState", "publicNetworkAccess",
    "remediationDescription", "remediationSteps", "resourceDetails", "resourceIdentifiers",
    "sensitivityLabel", "serviceUrl", "severity", "sku", "sources", "startTimeUtc", "state",
    "status", "statusChangeDate", "subTechniques", "subscriptionId", "supportingEvidence",
    "systemAlertId", "techniques", "tenantId", "timeGeneratedUtc", "triggers", "type",
    "urlTemplate", "vendorName", "virtualNetworkType",
)


def recasings(key: str) -> list[str]:
    """Other spellings of a key that a case-insensitive reader must treat as the same key."""
    variants = {key.upper(), key.lower(), key[:1].upper() + key[1:], key.swapcase()}
    return sorted(v for v in variants if v != key and v.casefold() == key.casefold())


arm_keys = st.sampled_from(sorted({v for k in READ_KEYS for v in (k, *recasings(k))}))
arm_values = st.recursive(
    SCALARS | st.sampled_from(["Succeeded", "High", "Active", "Healthy", "Enabled", SERVICE,
                               f"{SERVICE}/apis/a1/operations/op1",
                               "2020-02-22T00:00:00.0000000Z"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(arm_keys | st.text(max_size=8), children, max_size=6),
    max_leaves=30,
)
_RESOURCE_IDS = st.sampled_from([
    SERVICE, f"{SERVICE}/apis/a1", f"{SERVICE}/apis/a1/operations/op1",
    f"{SERVICE}/providers/Microsoft.Security/apiCollections/a1",
    f"{SERVICE}/providers/Microsoft.Security/apiCollections/a1/apiEndpoints/op1",
    f"{SERVICE}/apis/a1/operations/op1/providers/Microsoft.Security/assessments/k1",
    f"/subscriptions/{SUB}/providers/Microsoft.Security/locations/westeurope/alerts/a1",
    f"/subscriptions/{SUB}", SUB, "/", "", "providers", "/subscriptions//resourceGroups/",
])
# Usually with the properties the parsers key on, so that fuzzing gets past `required_text`.
arm_dicts = st.builds(
    lambda known, other: {**other, **known},
    st.fixed_dictionaries({}, optional={
        "id": _RESOURCE_IDS | arm_values,
        "name": st.text(max_size=12) | arm_values,
        "subscriptionId": st.just(SUB) | arm_values,
        "properties": st.dictionaries(arm_keys, arm_values, max_size=8) | arm_values,
    }),
    st.dictionaries(arm_keys | st.text(max_size=8), arm_values, max_size=5),
)


# -- timestamps ----------------------------------------------------------------------------------
_OFFSETS = {"Z": 0, "z": 0, "+00:00": 0, "": 0, "+05:30": 330, "-08:00": -480, "+14:00": 840}


@st.composite
def iso_times(draw: st.DrawFn) -> tuple[str, datetime]:
    """An ISO 8601 time with 0-7 fractional digits, and the aware datetime it means (the 7th
    digit is truncated: Python keeps microseconds; no zone means UTC)."""
    dt = draw(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
    digits = draw(st.integers(0, 7))
    frac = f"{dt.microsecond:06d}{draw(st.integers(0, 9))}"[:digits]
    zone = draw(st.sampled_from(sorted(_OFFSETS)))
    text = (f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
            f"{dt.second:02d}" + (f".{frac}" if digits else "") + zone)
    micro = int(frac[:6].ljust(6, "0")) if digits else 0
    expected = dt.replace(microsecond=micro,
                          tzinfo=timezone(timedelta(minutes=_OFFSETS[zone])))
    return text, expected


GARBAGE_TIMES = (
    "", " ", "yesterday", "now", "T", ".", "Z", "2020-02-22T", "2020-13-01T00:00:00Z",
    "2020-02-30T00:00:00.0000000Z", "2020-02-22T25:00:00Z",
    "0000-00-00T00:00:00.0000000Z", "22/02/2020 00:00:00", "2020-02-22T00:00:00.abcZ",
    "2020-02-22T00:00:00+25:00", "1582329600", "\x00", "2020-02-22T00:00:00.٣Z",
    "２０２０-02-22T00:00:00Z", "2020-02-22T00:00:00.1234567ZZ",
)
garbage_times = st.sampled_from(GARBAGE_TIMES) | st.text(max_size=30)


# -- open enums ----------------------------------------------------------------------------------
def unknown_enum_text(enum_cls: type) -> st.SearchStrategy[str]:
    """A non-empty string that is not any member's value in any casing."""
    known = {m.value.casefold() for m in enum_cls}  # type: ignore[attr-defined]
    plausible = st.sampled_from(["Severe", "Snoozed", "Quarantined", "PendingReview",
                                 "Critical2", "HIGH ", " Active", "Unknown-ish", "NotSpecified2"])
    return (plausible | st.text(min_size=1, max_size=30)).filter(
        lambda s: s.casefold() not in known)


# (wire path, domain attribute, enum class) of every open enum a parser reads.
ENUM_FIELDS: dict[str, tuple[tuple[tuple[str, ...], str, type], ...]] = {
    "collections": ((("properties", "provisioningState"), "provisioning_state",
                     ProvisioningState),),
    "alerts": ((("properties", "severity"), "severity", Severity),
               (("properties", "status"), "status", AlertStatus)),
    "assessments": ((("properties", "status", "code"), "status", AssessmentStatus),
                    (("properties", "metadata", "severity"), "severity", Severity)),
    "metadata": ((("properties", "severity"), "severity", Severity),),
    "logic-apps": ((("properties", "state"), "state", WorkflowState),),
}


# -- editing items -------------------------------------------------------------------------------
def fold(path: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(k.casefold() if isinstance(k, str) else k for k in path)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key/index path inside a JSON value (not the root)."""
    if isinstance(value, dict):
        children: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return []
    out: list[tuple[Any, ...]] = []
    for key, child in children:
        out.append((*prefix, key))
        out.extend(paths(child, (*prefix, key)))
    return out


def get_path(value: Any, path: Iterable[Any]) -> Any:
    for key in path:
        value = value[key]
    return value


def set_path(item: dict[str, Any], path: tuple[str, ...], new: Any) -> None:
    """Set a nested value, reusing existing keys in any casing, creating dicts where needed."""
    node: dict[str, Any] = item
    for key in path[:-1]:
        found = next((k for k in node if isinstance(k, str) and k.casefold() == key.casefold()),
                     key)
        if not isinstance(node.get(found), dict):
            node[found] = {}
        node = node[found]
    last = next((k for k in node if isinstance(k, str) and k.casefold() == path[-1].casefold()),
                path[-1])
    node[last] = new


def rename_key(parent: dict[str, Any], old: str, new: str) -> bool:
    """Rename in place keeping order; refuse if another key already reads as `new`."""
    if any(k != old and isinstance(k, str) and k.casefold() == new.casefold() for k in parent):
        return False
    items = list(parent.items())
    parent.clear()
    parent.update((new if k == old else k, v) for k, v in items)
    return True


# Fillers without digits: a huge run of digits is a number to wire.integer (see the xfail).
_FILLERS = ("x", "é", "/", " ", "\u202e", "🚀", "<script>")
MUTATIONS = ("drop", "null", "wrong_type", "recase", "huge", "timestamp", "enum_text", "empty",
             "properties_list")


@st.composite
def mutate(draw: st.DrawFn, item: dict[str, Any], protect: Iterable[tuple[str, ...]] = (),
           max_mutations: int = 4) -> tuple[dict[str, Any], list[str]]:
    """Apply 1..max_mutations edits to a copy of `item`; never touch a protected path, its
    ancestors or its contents (renaming a key's casing is allowed anywhere: the reader is
    case-insensitive).
    Returns the edited item and a log of the edits."""
    item = copy.deepcopy(item)
    guarded = [fold(p) for p in protect]

    def touchable(path: tuple[Any, ...]) -> bool:
        f = fold(path)
        return not any(g[: len(f)] == f or f[: len(g)] == g for g in guarded)

    log: list[str] = []
    for _ in range(draw(st.integers(1, max_mutations))):
        op = draw(st.sampled_from(MUTATIONS))
        if op == "properties_list":
            key = next((k for k in item if k.casefold() == "properties"), None)
            if key is not None and touchable((key,)):
                item[key] = [item[key]]
                log.append(f"{key} -> [{key}]")
            continue
        everywhere = paths(item)
        if op == "recase":
            candidates = [p for p in everywhere if isinstance(p[-1], str) and recasings(p[-1])]
        else:
            candidates = [p for p in everywhere if touchable(p)]
        if not candidates:
            continue
        # half the edits near the top, where the properties the parsers read live
        shallow = [p for p in candidates if len(p) <= 2]
        if shallow and draw(st.booleans()):
            candidates = shallow
        path = draw(st.sampled_from(candidates))
        parent, key = get_path(item, path[:-1]), path[-1]
        if op == "drop":
            del parent[key]
            log.append(f"drop {path}")
            continue
        if op == "recase":
            new = draw(st.sampled_from(recasings(key)))
            if rename_key(parent, key, new):
                log.append(f"recase {path} -> {new!r}")
            continue
        if op == "null":
            value: Any = None
        elif op == "wrong_type":
            value = draw(json_values)
        elif op == "huge":
            old = parent[key]
            size = draw(st.sampled_from((1_000, 20_000, 100_000)))
            filler = draw(st.sampled_from(_FILLERS))
            value = (old if isinstance(old, str) else "") + filler * (size // len(filler))
        elif op == "timestamp":
            value = draw(st.one_of(iso_times().map(lambda t: t[0]), garbage_times))
        elif op == "enum_text":
            value = draw(st.sampled_from(["Severe", "Snoozed", "InProgress2", "UNKNOWN", ""]))
        else:  # empty
            value = draw(st.sampled_from([{}, [], "", 0, False]))
        parent[key] = value
        shown = repr(value) if not isinstance(value, str) or len(value) < 60 else \
            f"<str of {len(value)} chars>"
        log.append(f"{op} {path} = {shown}")
    return item, log


def without_identity(kind: str, item: Mapping[str, Any], how: str) -> dict[str, Any]:
    """A copy of item whose identity property is gone, null or empty (any casing)."""
    key = identity_key(kind)
    out = {k: v for k, v in item.items() if not (isinstance(k, str)
                                                 and k.casefold() == key.casefold())}
    if how == "null":
        out[key] = None
    elif how == "empty":
        out[key] = ""
    return out
