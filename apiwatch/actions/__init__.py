"""Writes to Azure: trigger logic apps, change alert state, raise sample or simulated alerts,
onboard and offboard APIs. Each is confirmed by the caller, audited before it is sent, and refused
in read-only mode. No Textual here."""
