"""Every Microsoft example of a resource apiwatch reads becomes the right domain values."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from apiwatch.azure import alerts, apim, assessments, automation, collections
from apiwatch.model import AlertStatus, AssessmentStatus, ProvisioningState, Severity

from ..conftest import example_items

SEC = "Microsoft.Security"
APIM = "Microsoft.ApiManagement/2024-05-01"

READ_EXAMPLES = [
    (f"{SEC}/2023-11-15/APICollections_ListBySubscription_example.json", collections.parse_collection),
    (f"{SEC}/2023-11-15/APICollections_ListByResourceGroup_example.json", collections.parse_collection),
    (f"{SEC}/2023-11-15/APICollections_ListByAzureApiManagementService_example.json",
     collections.parse_collection),
    (f"{SEC}/2023-11-15/APICollections_GetByAzureApiManagementService_example.json",
     collections.parse_collection),
    (f"{SEC}/2022-01-01/GetAlertsSubscription_example.json", alerts.parse_alert),
    (f"{SEC}/2022-01-01/GetAlertsResourceGroup_example.json", alerts.parse_alert),
    (f"{SEC}/2022-01-01/GetAlertSubscriptionLocation_example.json", alerts.parse_alert),
    (f"{SEC}/2025-05-04/ListAssessments_example.json", assessments.parse_assessment),
    (f"{SEC}/2025-05-04/GetAssessment_example.json", assessments.parse_assessment),
    (f"{SEC}/2025-05-04/GetAssessmentWithExpand_example.json", assessments.parse_assessment),
    (f"{SEC}/2025-05-04/ListAssessmentsMetadata_example.json", assessments.parse_metadata),
    (f"{SEC}/2025-05-04/GetAssessmentsMetadata_example.json", assessments.parse_metadata),
    (f"{SEC}/2023-12-01-preview/GetAutomationsSubscription_example.json",
     automation.parse_automation),
    (f"{SEC}/2023-12-01-preview/GetAutomationResourceGroup_example.json",
     automation.parse_automation),
    (f"{APIM}/ApiManagementListServiceBySubscription.json", apim.parse_service),
    (f"{APIM}/ApiManagementListApis.json", apim.parse_api),
    (f"{APIM}/ApiManagementListApiOperations.json", apim.parse_operation),
    ("Microsoft.Logic/2019-05-01/Workflows_ListBySubscription.json", automation.parse_workflow),
    ("Microsoft.Logic/2019-05-01/Workflows_ListByResourceGroup.json", automation.parse_workflow),
    ("Microsoft.Logic/2019-05-01/Workflows_Get.json", automation.parse_workflow),
]


@pytest.mark.parametrize(("path", "parser"), READ_EXAMPLES, ids=[p for p, _ in READ_EXAMPLES])
def test_every_item_of_every_example_parses(path, parser):
    items = example_items(path)
    assert items, path
    parsed = [parser(item) for item in items]
    for item, obj in zip(items, parsed, strict=True):
        assert getattr(obj, "id", getattr(obj, "key", None)) in (item.get("id"), item.get("name"))


def test_collection_counters_and_label():
    (c,) = example_items(f"{SEC}/2023-11-15/APICollections_ListBySubscription_example.json")
    col = collections.parse_collection(c)
    assert col.api_name == "echo-api"
    assert col.display_name == "Echo API"
    assert col.subscription_id == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert col.service_name == "apimService1"
    assert col.resource_group == "rg1"
    assert (col.endpoints, col.inactive, col.unauthenticated, col.external, col.sensitive) == (
        6, 3, 1, 3, 1,
    )
    assert col.sensitivity_label == "Highly Confidential"
    assert col.provisioning_state is ProvisioningState.SUCCEEDED
    assert col.base_url == "https://apimservice1.azure-api.net/echo"
    assert col.api_key == (
        "/subscriptions/3fa85f64-5717-4562-b3fc-2c963f66afa6/resourcegroups/rg1/providers/"
        "microsoft.apimanagement/service/apimservice1/apis/echo-api"
    )


def test_alert_fields_entities_and_seven_digit_times():
    (a,) = example_items(f"{SEC}/2022-01-01/GetAlertSubscriptionLocation_example.json")
    alert = alerts.parse_alert(a)
    assert alert.alert_type == "VM_EICAR"
    assert alert.severity is Severity.HIGH
    assert alert.status is AlertStatus.ACTIVE
    assert alert.location == "westeurope"
    assert alert.resource_group == "myRg1"
    assert alert.subscription_id == "20ff7fc3-e762-44dd-bd96-b71116dcdc23"
    assert alert.processing_end_time == datetime(2020, 2, 23, 13, 47, 58, 920558, timezone.utc)
    assert alert.end_time == datetime(2020, 2, 22, tzinfo=timezone.utc)
    assert alert.resource_ids == (
        "/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourceGroups/myRg1/providers/"
        "Microsoft.Compute/virtualMachines/vm1",
    )
    ip = alert.entities[0]
    assert ip.type == "ip" and ip.summary == "192.0.2.1"
    assert ip.fields["location"]["countryCode"] == "gb"
    assert alert.extended_properties == {"Property1": "Property1 information"}
    assert alert.extended_links[0]["Label"] == "Report: RDP Brute Forcing"
    assert alert.is_incident is True
    assert alert.remediation_steps == ("No further action is needed.",)
    assert alert.tactics == ("Execution",)
    assert not alert.is_api


def test_assessment_status_cause_and_portal_link():
    (a,) = example_items(f"{SEC}/2025-05-04/GetAssessmentWithExpand_example.json")
    rec = assessments.parse_assessment(a)
    assert rec.key == "21300918-b2e3-0346-785f-c77ff57d243b"
    assert rec.status is AssessmentStatus.NOT_APPLICABLE
    assert rec.cause == "OffByPolicy"
    assert rec.resource_id.endswith("/virtualMachineScaleSets/vmss2")
    assert rec.portal_uri.endswith("assessmentKey/21300918-b2e3-0346-785f-c77ff57d243b")
    assert not rec.is_api_related


def test_assessment_reads_capitalised_resource_details_of_live_azure():
    op = (
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/apis/"
        "orders/operations/get-order"
    )
    item = {
        "id": f"{op}/providers/Microsoft.Security/assessments/91af2040-7874-4659-abf0-578e1f8d07dc",
        "name": "91af2040-7874-4659-abf0-578e1f8d07dc",
        "properties": {"resourceDetails": {"Source": "Azure", "Id": op},
                       "status": {"code": "Unhealthy"}},
    }
    rec = assessments.parse_assessment(item)
    assert rec.resource_id == op
    assert rec.status is AssessmentStatus.UNHEALTHY
    assert rec.is_api_related


def test_metadata_severity_and_remediation():
    items = example_items(f"{SEC}/2025-05-04/ListAssessmentsMetadata_example.json")
    metas = [assessments.parse_metadata(i) for i in items]
    assert all(m.display_name for m in metas)
    assert {m.severity for m in metas} <= set(Severity)
    assert any(m.remediation for m in metas)


def test_automation_logic_app_action():
    (a,) = example_items(f"{SEC}/2023-12-01-preview/GetAutomationsSubscription_example.json")
    auto = automation.parse_automation(a)
    assert auto.enabled
    assert auto.event_sources == ("Assessments",)
    assert auto.logic_app_ids == (
        "/subscriptions/e54a4a18-5b94-4f90-9471-bd3decad8a2e/resourceGroups/sample/providers/"
        "Microsoft.Logic/workflows/MyTest1",
    )


def test_apim_operation_is_an_endpoint():
    items = example_items(f"{APIM}/ApiManagementListApiOperations.json")
    ep = apim.parse_operation(items[0])
    assert (ep.method, ep.display_name) == ("POST", "CancelOrder")
    assert ep.api_name == "57d2ef278aa04f0888cba3f3"
    assert ep.service_name == "apimService1"
    assert ep.api_key == ep.key.rsplit("/operations/", 1)[0]


def test_apim_api_protocols_and_service_gateway():
    api = apim.parse_api(example_items(f"{APIM}/ApiManagementListApis.json")[0])
    assert api.protocols and api.service_name == "apimService1"
    svc = apim.parse_service(
        example_items(f"{APIM}/ApiManagementListServiceBySubscription.json")[0]
    )
    assert svc.gateway_url and svc.gateway_url.startswith("https://")
    assert svc.sku


def test_workflow_state():
    wf = automation.parse_workflow(example_items("Microsoft.Logic/2019-05-01/Workflows_Get.json")[0])
    assert wf.name == "test-workflow"
    assert wf.enabled
    assert wf.location == "brazilsouth"
