"""Tenant objects as the JSON bodies ARM returns (names and types as in Microsoft's examples)."""

from __future__ import annotations

import zlib
from typing import Any

from .posture import MetadataEntry
from .tenant import (
    Alert,
    Api,
    ApimService,
    Assessment,
    Automation,
    Operation,
    Run,
    Subscription,
    Trigger,
    Workflow,
)
from .wire import iso3, iso7

SECURITY_PRODUCT = "Microsoft Defender for Cloud"


def subscription(sub: Subscription) -> dict[str, Any]:
    return {
        "id": sub.id,
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": sub.subscription_id,
        "tenantId": sub.tenant_id,
        "displayName": sub.display_name,
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "EnterpriseAgreement_2014-09-01",
            "spendingLimit": "Off",
        },
    }


def collection(api: Api, svc: ApimService, gateway: str) -> dict[str, Any]:
    """gateway: the service's served gateway URL (see ServerState.gateway_url)."""
    props: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "displayName": api.display_name,
        "discoveredVia": svc.id,
        "baseUrl": f"{gateway}/{api.path}",
    }
    props.update({k: v for k, v in api.counters().items() if v is not None})
    return {
        "id": api.collection_id,
        "name": api.name,
        "type": "Microsoft.Security/apiCollections",
        "properties": props,
    }


def collection_in_progress(api: Api) -> dict[str, Any]:
    return {
        "id": api.collection_id,
        "name": api.name,
        "type": "Microsoft.Security/apiCollections",
        "properties": {"provisioningState": "InProgress"},
    }


def service(svc: ApimService, gateway: str) -> dict[str, Any]:
    """gateway: the served gateway URL. It stands in for gatewayUrl, gatewayRegionalUrl and the
    proxy hostname so a client can call the APIs; the other URLs keep their azure-api.net form
    (nothing serves them)."""
    stem = svc.gateway_url.removeprefix("https://").split(".")[0]
    host = gateway.removeprefix("https://").split("/")[0]
    return {
        "id": svc.id,
        "name": svc.name,
        "type": "Microsoft.ApiManagement/service",
        "tags": {"owner": "platform-team", "costCenter": "4711"},
        "location": svc.location,
        "etag": "AAAAAAAWN/4=",
        "properties": {
            "publisherEmail": "apis@contoso.com",
            "publisherName": "Contoso API platform",
            "notificationSenderEmail": "apimgmt-noreply@mail.windowsazure.com",
            "provisioningState": "Succeeded",
            "targetProvisioningState": "",
            "createdAtUtc": iso7(svc.created),
            "gatewayUrl": gateway,
            "gatewayRegionalUrl": gateway,
            "portalUrl": f"https://{stem}.portal.azure-api.net",
            "developerPortalUrl": f"https://{stem}.developer.azure-api.net",
            "managementApiUrl": f"https://{stem}.management.azure-api.net",
            "scmUrl": f"https://{stem}.scm.azure-api.net",
            "hostnameConfigurations": [
                {
                    "type": "Proxy",
                    "hostName": host,
                    "negotiateClientCertificate": False,
                    "defaultSslBinding": True,
                    "certificateSource": "BuiltIn",
                }
            ],
            "publicIPAddresses": [] if svc.sku_name == "Consumption" else ["20.50.2.17"],
            "virtualNetworkType": svc.virtual_network_type,
            "disableGateway": svc.gateway_disabled,
            "apiVersionConstraint": {"minApiVersion": "2019-12-01"},
            "publicNetworkAccess": svc.public_network_access,
            "customProperties": {
                "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10": "False",
                "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11": "False",
            },
        },
        "sku": {"name": svc.sku_name, "capacity": svc.sku_capacity},
        "systemData": {
            "createdBy": "platform-team@contoso.com",
            "createdByType": "User",
            "createdAt": iso7(svc.created),
            "lastModifiedBy": "platform-team@contoso.com",
            "lastModifiedByType": "User",
            "lastModifiedAt": iso7(svc.created),
        },
    }


def api(item: Api) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": "Microsoft.ApiManagement/service/apis",
        "name": item.name,
        "properties": {
            "displayName": item.display_name,
            "apiRevision": item.api_revision,
            "description": f"{item.display_name} of the Contoso platform.",
            "serviceUrl": item.service_url,
            "path": item.path,
            "protocols": list(item.protocols),
            "isCurrent": True,
            "subscriptionRequired": True,
        },
    }


def operation(op: Operation) -> dict[str, Any]:
    params = [
        {"name": part[1:-1], "type": "string", "required": True, "values": []}
        for part in op.url_template.split("/")
        if part.startswith("{") and part.endswith("}")
    ]
    return {
        "id": op.id,
        "type": "Microsoft.ApiManagement/service/apis/operations",
        "name": op.name,
        "properties": {
            "displayName": op.display_name,
            "method": op.method,
            "urlTemplate": op.url_template,
            "templateParameters": params,
        },
    }


def alert(item: Alert) -> dict[str, Any]:
    rg = item.resource_group or "-"
    entities: list[dict[str, Any]] = []
    if item.client_ip:
        entity: dict[str, Any] = {"type": "ip", "address": item.client_ip}
        if item.geo:
            country, state, city, asn, lat, lon = item.geo
            entity["location"] = {
                "asn": asn,
                "city": city,
                "countryCode": country,
                "latitude": lat,
                "longitude": lon,
                "state": state,
            }
        entities.append(entity)
    entities.append(
        {
            "type": "azure-resource",
            "resourceId": item.resource_id,
            "resourceName": item.resource_id.rsplit("/", 1)[-1],
        }
    )
    return {
        "id": item.id,
        "name": item.name,
        "type": "Microsoft.Security/Locations/alerts",
        "properties": {
            "status": item.status,
            "timeGeneratedUtc": iso7(item.time_generated),
            "processingEndTimeUtc": iso7(item.processing_end),
            "version": "2022-01-01",
            "vendorName": "Microsoft",
            "productName": SECURITY_PRODUCT,
            "productComponentName": item.product_component,
            "alertType": item.alert_type,
            "startTimeUtc": iso7(item.start_time),
            "endTimeUtc": iso7(item.end_time),
            "severity": item.severity,
            "isIncident": False,
            "systemAlertId": item.name,
            "correlationKey": item.correlation_key,
            "intent": item.intent,
            "resourceIdentifiers": [{"type": "AzureResource", "azureResourceId": item.resource_id}],
            "compromisedEntity": item.compromised_entity,
            "alertDisplayName": item.display_name,
            "description": item.description,
            "remediationSteps": list(item.remediation_steps),
            "extendedProperties": dict(item.extended_properties),
            "entities": entities,
            "extendedLinks": [],
            "alertUri": (
                "https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/"
                f"AlertBlade/alertId/{item.name}/subscriptionId/{item.subscription_id}/"
                f"resourceGroup/{rg}/referencedFrom/alertDeepLink/location/{item.asc_location}"
            ),
            "techniques": list(item.techniques),
            "subTechniques": [],
        },
    }


def assessment(
    item: Assessment,
    expand: frozenset[str] = frozenset(),
    meta: MetadataEntry | None = None,
    with_risk: bool = False,
) -> dict[str, Any]:
    details = (
        {"Source": "Azure", "Id": item.resource_id}
        if item.capitalised_details
        else {"source": "Azure", "id": item.resource_id}
    )
    status: dict[str, Any] = {"code": item.status_code}
    if item.cause:
        status["cause"] = item.cause
    if item.description:
        status["description"] = item.description
    if item.first_evaluation:
        status["firstEvaluationDate"] = iso7(item.first_evaluation)
    if item.status_change:
        status["statusChangeDate"] = iso7(item.status_change)
    props: dict[str, Any] = {
        "resourceDetails": details,
        "displayName": item.display_name,
        "status": status,
    }
    if item.additional_data:
        props["additionalData"] = dict(item.additional_data)
    if with_risk and item.status_code == "Unhealthy" and meta is not None:
        props["risk"] = {
            "level": meta.severity,
            "riskFactors": [],
            "attackPathsReferences": [],
            "isContextualRisk": False,
        }
    if "links" in expand:
        props["links"] = {
            "azurePortalUri": "https://www.portal.azure.com/?fea#blade/Microsoft_Azure_Security/"
            f"RecommendationsBlade/assessmentKey/{item.key}"
        }
    if "metadata" in expand and meta is not None:
        props["metadata"] = metadata(meta)["properties"]
    return {
        "id": item.id,
        "name": item.key,
        "type": "Microsoft.Security/assessments",
        "properties": props,
    }


def metadata(entry: MetadataEntry, scope: str = "") -> dict[str, Any]:
    props: dict[str, Any] = {
        "displayName": entry.display_name,
        "description": entry.description,
        "remediationDescription": entry.remediation,
        "categories": list(entry.categories),
        "severity": entry.severity,
        "userImpact": entry.user_impact,
        "implementationEffort": entry.implementation_effort,
        "threats": list(entry.threats),
        "assessmentType": "BuiltIn",
        "preview": False,
    }
    if entry.policy_definition_id:
        props["policyDefinitionId"] = entry.policy_definition_id
    return {
        "id": f"{scope}/providers/Microsoft.Security/assessmentMetadata/{entry.key}",
        "name": entry.key,
        "type": "Microsoft.Security/assessmentMetadata",
        "properties": props,
    }


def automation(item: Automation) -> dict[str, Any]:
    sources = []
    for source in item.event_sources:
        rule_sets = []
        if source == "Alerts":
            rule_sets = [
                {
                    "rules": [
                        {
                            "propertyJPath": "AlertType",
                            "propertyType": "String",
                            "expectedValue": "API_",
                            "operator": "StartsWith",
                        }
                    ]
                }
            ]
        elif item.severity_filter:
            rule_sets = [
                {
                    "rules": [
                        {
                            "propertyJPath": "name",
                            "propertyType": "String",
                            "expectedValue": item.severity_filter,
                            "operator": "Equals",
                        }
                    ]
                }
            ]
        sources.append({"eventSource": source, "ruleSets": rule_sets})
    return {
        "id": item.id,
        "name": item.name,
        "type": "Microsoft.Security/automations",
        "etag": f'W/"{zlib.crc32(item.id.encode()):08x}"',
        "location": item.location,
        "tags": {},
        "properties": {
            "description": item.description,
            "isEnabled": item.is_enabled,
            "scopes": [
                {"description": f"Scope {path}", "scopePath": path} for path in item.scope_paths
            ],
            "sources": sources,
            # The LogicApp action's "uri" is write-only: ARM never returns it.
            "actions": [
                {"logicAppResourceId": rid, "actionType": "LogicApp"} for rid in item.logic_app_ids
            ],
        },
    }


def trigger_definition(trigger: Trigger) -> dict[str, Any]:
    if trigger.kind == "Request":
        return {"type": "Request", "kind": "Http", "inputs": {"schema": {}}}
    if trigger.kind == "Recurrence":
        return {"type": "Recurrence", "recurrence": {"frequency": "Day", "interval": 3}}
    return {
        "type": "ApiConnectionWebhook",
        "inputs": {
            "body": {"callback_url": "@{listCallbackUrl()}"},
            "host": {
                "connection": {
                    "name": f"@parameters('$connections')['{trigger.connection}']['connectionId']"
                }
            },
            "path": trigger.connector_path,
        },
    }


def workflow(wf: Workflow) -> dict[str, Any]:
    return {
        "id": wf.id,
        "name": wf.name,
        "type": "Microsoft.Logic/workflows",
        "location": wf.location,
        "tags": {},
        "properties": {
            "provisioningState": "Succeeded",
            "createdTime": iso7(wf.created),
            "changedTime": iso7(wf.changed),
            "state": wf.state,
            "version": wf.version,
            "accessEndpoint": f"https://prod-00.{wf.location}.logic.azure.com:443/workflows/{wf.access_id}",
            "definition": {
                "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/"
                "schemas/2016-06-01/workflowdefinition.json#",
                "contentVersion": "1.0.0.0",
                "parameters": {},
                "triggers": {t.name: trigger_definition(t) for t in wf.triggers},
                "actions": {},
                "outputs": {},
            },
            "parameters": {},
            "endpointsConfiguration": {
                "workflow": {
                    "outgoingIpAddresses": [{"address": "13.84.159.168"}],
                    "accessEndpointIpAddresses": [{"address": "104.210.153.89"}],
                },
                "connector": {"outgoingIpAddresses": [{"address": "40.84.145.61"}]},
            },
        },
    }


def trigger(wf: Workflow, item: Trigger) -> dict[str, Any]:
    return {
        "properties": {
            "provisioningState": "Succeeded",
            "createdTime": iso7(wf.created),
            "changedTime": iso7(wf.changed),
            "state": wf.state,
            "workflow": {
                "id": f"{wf.id}/versions/{wf.version}",
                "name": wf.version,
                "type": "Microsoft.Logic/workflows/versions",
            },
        },
        "id": f"{wf.id}/triggers/{item.name}",
        "name": item.name,
        "type": "Microsoft.Logic/workflows/triggers",
    }


def run(wf: Workflow, item: Run) -> dict[str, Any]:
    props: dict[str, Any] = {
        "startTime": iso7(item.start_time),
        "status": item.status,
        "correlation": {"clientTrackingId": item.name},
        "workflow": {
            "id": f"{wf.id}/versions/{wf.version}",
            "name": wf.version,
            "type": "Microsoft.Logic/workflows/versions",
        },
        "trigger": {
            "name": item.trigger_name,
            "startTime": iso7(item.start_time),
            "endTime": iso7(item.start_time),
            "status": "Succeeded",
        },
        "outputs": {},
    }
    end = item.end_time
    if end is not None:
        props["endTime"] = iso7(end)
    if item.status == "Failed":
        props["code"] = "ActionFailed"
        props["error"] = {
            "code": "ActionFailed",
            "message": "An action failed. No dependent actions succeeded.",
        }
    return {
        "properties": props,
        "id": f"{wf.id}/runs/{item.name}",
        "name": item.name,
        "type": "Microsoft.Logic/workflows/runs",
    }


def endpoint_row(
    sub: Subscription, svc: ApimService, item: Api, op: Operation, gateway: str
) -> dict[str, Any]:
    """One `securityresources` row of type microsoft.security/apicollections/apiendpoints.

    The property bag mirrors the only Microsoft sample that reads it: PascalCase keys, the
    booleans as the strings "true"/"false" (the sample compares them as strings), PII an object:
    `{}` when nothing sensitive was seen, else information type -> where it was seen
    (RequestBody, ResponseBody, QueryParameter, UrlPath). That value format is the emulator's
    choice; the real one is unpublished. TriggerDate is null for endpoints awaiting data.
    EndPoint is on the served gateway URL `gateway`, so the row can be called.
    """
    pii = dict(zip(op.sensitive_types, op.sensitive_sources, strict=False))
    return {
        "id": f"{item.collection_id}/apiEndpoints/{op.name}",
        "name": op.name,
        "type": "microsoft.security/apicollections/apiendpoints",
        "tenantId": sub.tenant_id,
        "kind": "",
        "location": "",
        "resourceGroup": svc.resource_group.lower(),
        "subscriptionId": sub.subscription_id,
        "managedBy": "",
        "sku": None,
        "plan": None,
        "properties": {
            "DisplayName": op.display_name,
            "CollectionName": item.display_name,
            "CasApiCollectionId": item.collection_id,
            "EndPoint": f"{gateway}/{item.path}{op.url_template}",
            "HttpMethod": op.method,
            "IsEndpointActive": "true" if op.active else "false",
            "IsEndpointAuthorized": "true" if op.authenticated else "false",
            "IsExternal": "true" if op.external else "false",
            "PII": pii,
            "SensitivityLabel": op.sensitivity_label or "",
            "DiscoveryDate": iso3(op.discovered),
            "TriggerDate": iso3(op.last_called) if op.last_called else None,
        },
        "tags": None,
        "identity": None,
        "zones": None,
        "extendedLocation": None,
    }
