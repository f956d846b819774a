"""A throwaway certificate authority: azure-core refuses bearer tokens over plain HTTP."""

from __future__ import annotations

import ssl
import tempfile
from pathlib import Path

import trustme


def make_server_context(
    ca_out: Path | None,
) -> tuple[ssl.SSLContext, Path, tempfile.TemporaryDirectory[str] | None]:
    """A server TLS context for loopback names, and the CA's PEM file clients must trust.

    Returns the temporary directory too (None when ca_out is given) so the caller decides when
    the PEM file goes away.
    """
    ca = trustme.CA(organization_name="apiwatch emulator")
    cert = ca.issue_cert("127.0.0.1", "localhost", "::1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    tmp = None
    if ca_out is None:
        tmp = tempfile.TemporaryDirectory(prefix="apiwatch-emulator-")
        ca_path = Path(tmp.name) / "emulator-ca.pem"
    else:
        ca_path = Path(ca_out)
        ca_path.parent.mkdir(parents=True, exist_ok=True)
    ca.cert_pem.write_to_path(str(ca_path))
    return context, ca_path, tmp
