"""The emulator answers each operation apiwatch uses with the property names and JSON types of
Microsoft's published example for that operation."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from apiwatch.emulator import Emulator, EmulatorConfig

from ..conftest import example_body
from ..emulator.conftest import Arm

SEC = "Microsoft.Security"


@pytest.fixture
async def arm():
    async with Emulator(EmulatorConfig(page_size=50)) as emu, aiohttp.ClientSession() as session:
        yield Arm(emu, session)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "null")


# Maps whose keys are data, not schema (free-form by the spec): only their type is compared.
FREE_FORM = {"extendedProperties", "tags", "additionalData", "customProperties", "parameters",
             "definition", "location", "supportingEvidence"}
# Polymorphic lists: an expected item is compared with actual items of the same discriminator.
DISCRIMINATORS = {"resourceIdentifiers": "type", "entities": "type", "actions": "actionType"}


def merge(items: list[Any]) -> Any:
    """The union of several JSON values: optional properties vary from item to item."""
    dicts = [i for i in items if isinstance(i, dict)]
    if not dicts:
        return items[0] if items else None
    merged: dict[str, Any] = {}
    for key in dict.fromkeys(k for d in dicts for k in d):
        values = [d[key] for d in dicts if key in d and d[key] is not None]
        if values and all(isinstance(v, list) for v in values):
            merged[key] = [x for v in values for x in v]
        else:
            merged[key] = merge(values) if values else None
    return merged


def mismatches(expected: Any, actual: Any, where: str = "$", name: str = "") -> list[str]:
    """Every property of `expected` must appear in `actual` with the same JSON type."""
    if expected is None:
        return []
    if _kind(expected) != _kind(actual):
        return [f"{where}: expected {_kind(expected)}, got {_kind(actual)}"]
    if name in FREE_FORM:
        return []
    problems: list[str] = []
    if isinstance(expected, dict):
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems.extend(mismatches(value, actual[key], f"{where}.{key}", key))
    elif isinstance(expected, list) and expected and actual:
        field = DISCRIMINATORS.get(name)
        for item in expected:
            pool = actual
            if field and isinstance(item, dict):
                pool = [a for a in actual if isinstance(a, dict) and a.get(field) == item.get(field)]
                if not pool:
                    continue  # a kind this tenant has none of (e.g. LogAnalytics identifiers)
            problems.extend(mismatches(item, merge(pool), f"{where}[]"))
    return problems


def first_readable(arm: Arm):
    return next(s for s in arm.emu.tenant.subscriptions if s.readable)


def _paths(arm: Arm) -> dict[str, str]:
    sub = first_readable(arm)
    svc = sub.services[0]
    api = next(a for a in svc.apis if a.onboarded)
    alert = next(a for a in sub.alerts if a.resource_group)
    workflow = next(w for w in sub.workflows if any(t.kind == "Request" for t in w.triggers))
    s = f"/subscriptions/{sub.subscription_id}"
    return {
        "collections": f"{s}/providers/{SEC}/apiCollections?api-version=2023-11-15",
        "collection": f"{svc.id}/providers/{SEC}/apiCollections/{api.name}?api-version=2023-11-15",
        "alerts": f"{s}/providers/{SEC}/alerts?api-version=2022-01-01",
        "alert": f"{s}/resourceGroups/{alert.resource_group}/providers/{SEC}/locations/"
                 f"{alert.asc_location}/alerts/{alert.name}?api-version=2022-01-01",
        "assessments": f"{s}/providers/{SEC}/assessments?api-version=2025-05-04",
        "metadata": f"/providers/{SEC}/assessmentMetadata?api-version=2025-05-04",
        "automations": f"{s}/providers/{SEC}/automations?api-version=2023-12-01-preview",
        "services": f"{s}/providers/Microsoft.ApiManagement/service?api-version=2024-05-01",
        "apis": f"{svc.id}/apis?api-version=2024-05-01",
        "operations": f"{api.id}/operations?api-version=2024-05-01",
        "workflows": f"{s}/providers/Microsoft.Logic/workflows?api-version=2019-05-01",
        "workflow": f"{workflow.id}?api-version=2019-05-01",
        "triggers": f"{workflow.id}/triggers?api-version=2019-05-01",
        "callback": f"{workflow.id}/triggers/manual/listCallbackUrl?api-version=2019-05-01",
    }


CASES = [
    ("collections", f"{SEC}/2023-11-15/APICollections_ListBySubscription_example.json", "GET"),
    ("collection", f"{SEC}/2023-11-15/APICollections_GetByAzureApiManagementService_example.json", "GET"),
    ("alerts", f"{SEC}/2022-01-01/GetAlertsSubscription_example.json", "GET"),
    ("alert", f"{SEC}/2022-01-01/GetAlertSubscriptionLocation_example.json", "GET"),
    ("assessments", f"{SEC}/2025-05-04/ListAssessments_example.json", "GET"),
    ("metadata", f"{SEC}/2025-05-04/ListAssessmentsMetadata_example.json", "GET"),
    ("automations", f"{SEC}/2023-12-01-preview/GetAutomationsSubscription_example.json", "GET"),
    ("services", "Microsoft.ApiManagement/2024-05-01/ApiManagementListServiceBySubscription.json", "GET"),
    ("apis", "Microsoft.ApiManagement/2024-05-01/ApiManagementListApis.json", "GET"),
    ("operations", "Microsoft.ApiManagement/2024-05-01/ApiManagementListApiOperations.json", "GET"),
    ("workflows", "Microsoft.Logic/2019-05-01/Workflows_ListBySubscription.json", "GET"),
    ("workflow", "Microsoft.Logic/2019-05-01/Workflows_Get.json", "GET"),
    ("triggers", "Microsoft.Logic/2019-05-01/WorkflowTriggers_List.json", "GET"),
    ("callback", "Microsoft.Logic/2019-05-01/WorkflowTriggers_ListCallbackUrl.json", "POST"),
]

# Optional properties the examples show that the generated tenant leaves out (none is read by
# apiwatch; each is absent on real resources that lack the feature).
_SERVICE_OPTIONAL = ("identity", "properties.additionalLocations", "properties.certificates",
                     "properties.configurationApi", "properties.enableClientCertificate",
                     "properties.hostnameConfigurations[].certificate",
                     "properties.hostnameConfigurations[].keyVaultId")
NOT_MODELLED = {
    # Integration accounts / ISEs and IP access control: features the tenant's workflows lack.
    "workflow": {"$.properties.integrationAccount", "$.properties.integrationServiceEnvironment"},
    "workflows": {"$.value[].properties.integrationAccount", "$.value[].properties.accessControl"},
    # Custom domains, managed identities, multi-region: services without those features.
    "services": {f"$.value[].{p}" for p in _SERVICE_OPTIONAL},
    # No public source says what Defender for APIs puts in additionalData; none is invented.
    "assessments": {"$.value[].properties.additionalData"},
    # Versioned APIs (version sets): the tenant's APIs are unversioned.
    "apis": {"$.nextLink", "$.value[].properties.apiVersion", "$.value[].properties.apiVersionSetId"},
    # The example alert is a VM alert from a Log Analytics agent; supportingEvidence is not built.
    "alert": {"$.properties.supportingEvidence"},
    "alerts": {"$.value[].properties.supportingEvidence"},
    # A paging example: the last page of the emulator has no nextLink.
    "collections": {"$.nextLink"},
    "operations": {"$.nextLink"},
}


@pytest.mark.parametrize(("operation", "path", "method"), CASES, ids=[c[0] for c in CASES])
async def test_emulator_matches_microsoft_example(arm, operation, path, method):
    url = _paths(arm)[operation]
    status, body, _ = await arm.call(method, url, json={} if method == "POST" else None)
    assert status == 200, body
    expected = example_body(path)
    problems = [p for p in mismatches(expected, body)
                if not any(p.startswith(skip) for skip in NOT_MODELLED.get(operation, ()))]
    assert not problems, "\n".join(problems)
