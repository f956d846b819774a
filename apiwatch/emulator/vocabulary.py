"""Word pools that make the generated tenant read like a real estate of APIs."""

from __future__ import annotations

ORGS = ("contoso", "fabrikam", "northwind", "adatum", "tailspin", "wingtip", "woodgrove")
ENVS = ("prod", "staging", "dev", "shared", "test", "sandbox")

# (ARM location name, ASC data location, short code, display name used on APIM services)
LOCATIONS = (
    ("westeurope", "westeurope", "weu", "West Europe"),
    ("northeurope", "westeurope", "neu", "North Europe"),
    ("eastus", "centralus", "eus", "East US"),
    ("eastus2", "centralus", "eus2", "East US 2"),
    ("uksouth", "uksouth", "uks", "UK South"),
    ("australiaeast", "australiaeast", "aue", "Australia East"),
)

# API domain -> (singular noun, plural noun, identifier parameter, extra sub-resources)
API_DOMAINS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("orders", "order", "orders", "orderId", ("items", "shipments", "cancel")),
    ("payments", "payment", "payments", "paymentId", ("refunds", "capture", "authorize")),
    ("customers", "customer", "customers", "customerId", ("addresses", "preferences", "consents")),
    ("identity", "user", "users", "userId", ("sessions", "mfa", "password-reset")),
    ("inventory", "item", "items", "sku", ("stock", "reservations", "locations")),
    ("catalog", "product", "products", "productId", ("prices", "images", "reviews")),
    ("shipping", "shipment", "shipments", "shipmentId", ("labels", "tracking", "rates")),
    ("billing", "invoice", "invoices", "invoiceId", ("lines", "pdf", "send")),
    ("accounts", "account", "accounts", "accountId", ("balances", "statements", "limits")),
    ("loyalty", "member", "members", "memberId", ("points", "rewards", "tiers")),
    ("notifications", "notification", "notifications", "notificationId", ("read", "channels")),
    ("search", "index", "indexes", "indexName", ("documents", "suggest", "query")),
    ("pricing", "quote", "quotes", "quoteId", ("accept", "discounts")),
    ("appointments", "appointment", "appointments", "appointmentId", ("reschedule", "slots")),
    ("claims", "claim", "claims", "claimId", ("documents", "approve", "notes")),
    ("policies", "policy", "policies", "policyNumber", ("coverages", "renew", "documents")),
    ("patients", "patient", "patients", "patientId", ("records", "prescriptions", "visits")),
    ("employees", "employee", "employees", "employeeId", ("payslips", "leave", "manager")),
    ("documents", "document", "documents", "documentId", ("versions", "share", "download")),
    ("reports", "report", "reports", "reportId", ("exports", "schedule", "run")),
    ("carts", "cart", "carts", "cartId", ("items", "checkout", "coupons")),
    ("subscriptions-billing", "plan", "plans", "planId", ("subscribers", "usage")),
    ("fleet", "vehicle", "vehicles", "vehicleId", ("telemetry", "trips", "maintenance")),
    ("bookings", "booking", "bookings", "bookingId", ("guests", "confirm", "cancel")),
    ("weather", "forecast", "forecasts", "locationId", ("alerts", "history")),
    ("auth", "token", "tokens", "tokenId", ("introspect", "revoke")),
    ("webhooks", "webhook", "webhooks", "webhookId", ("deliveries", "test")),
    ("partners", "partner", "partners", "partnerId", ("contracts", "contacts")),
    ("tickets", "ticket", "tickets", "ticketId", ("comments", "assign", "close")),
    ("files", "file", "files", "fileId", ("content", "metadata", "thumbnails")),
)

SENSITIVE_TYPES: tuple[tuple[str, str], ...] = (
    # (information type, the label Purview would most likely attach)
    ("Credit Card Number", "Highly Confidential"),
    ("U.S. Social Security Number (SSN)", "Highly Confidential"),
    ("International Banking Account Number (IBAN)", "Highly Confidential"),
    ("U.S. Bank Account Number", "Highly Confidential"),
    ("Email", "Confidential"),
    ("Phone Number", "Confidential"),
    ("Physical Addresses", "Confidential"),
    ("Date of birth", "Confidential"),
    ("IP Address", "General"),
    ("Person's Name", "General"),
)

# Highest first: the order Purview uses to pick a collection's "top" label.
LABEL_PRIORITY = ("Highly Confidential", "Confidential", "General", "Public")

SENSITIVE_SOURCES = ("ResponseBody", "RequestBody", "QueryParameter", "UrlPath")

# Client IPs from documentation ranges (RFC 5737) so no real host is ever named.
IP_PREFIXES = ("192.0.2.", "198.51.100.", "203.0.113.")
GEOS: tuple[tuple[str, str, str, int, float, float], ...] = (
    # (countryCode, state, city, asn, latitude, longitude)
    ("nl", "north holland", "amsterdam", 1136, 52.374, 4.889),
    ("us", "virginia", "ashburn", 14618, 39.043, -77.487),
    ("de", "hesse", "frankfurt", 3320, 50.110, 8.682),
    ("gb", "wokingham", "sonning", 6584, 51.468, -0.909),
    ("ru", "moscow", "moscow", 8359, 55.755, 37.617),
    ("br", "sao paulo", "sao paulo", 28573, -23.550, -46.633),
    ("sg", "singapore", "singapore", 4657, 1.352, 103.819),
    ("cn", "beijing", "beijing", 4808, 39.904, 116.407),
    ("in", "maharashtra", "mumbai", 9829, 19.076, 72.877),
    ("fr", "ile-de-france", "paris", 3215, 48.856, 2.352),
)

MITRE_TECHNIQUES = {
    # Plausible MITRE ATT&CK ids per tactic (an emulator choice, not a Microsoft mapping).
    "Impact": ("T1499", "T1498"),
    "InitialAccess": ("T1190",),
    "Discovery": ("T1595", "T1046"),
    "PreAttack": ("T1595", "T1090"),
    "Execution": ("T1059", "T1203"),
}
