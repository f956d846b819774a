"""Bearer-token policy: ARM's own (CAE claims challenges), plus one quiet retry when ARM answers
401 `invalid_token`: the policy drops its cached token and asks the credential again, which
renews an expired one, so a token that expires mid-poll goes unnoticed. (A revoked but unexpired
token comes back from the credential's own cache and fails again: that is shown, not hidden.)"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from azure.core.exceptions import ServiceRequestError
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.core.pipeline.policies._utils import get_challenge_parameter
from azure.mgmt.core.policies import AsyncARMChallengeAuthenticationPolicy

_RETRIED = "apiwatch_token_renewed"


class RenewingAuthPolicy(AsyncARMChallengeAuthenticationPolicy):
    def __init__(self, credential: Any, *scopes: str, **kwargs: Any) -> None:
        super().__init__(credential, *scopes, **kwargs)
        self._renew_scopes = scopes

    async def on_challenge(self, request: PipelineRequest[Any],
                           response: PipelineResponse[Any, Any]) -> bool:
        if await super().on_challenge(request, response):
            return True
        error = get_challenge_parameter(response.http_response.headers, "Bearer", "error")
        if error == "invalid_token" and not request.context.get(_RETRIED):
            request.context[_RETRIED] = True
            await self.authorize_request(request, *self._renew_scopes)
            return True
        return False


class ForeignHostError(ServiceRequestError):
    pass


class ArmHostOnlyPolicy(SansIOHTTPPolicy[Any, Any]):
    """Sits before the token policy: a request for any host but ARM's is refused, so a nextLink,
    an operation URL or a redirect pointing elsewhere can never carry the bearer token there."""

    def __init__(self, endpoint: str) -> None:
        self._host = urlsplit(endpoint).netloc.lower()

    def on_request(self, request: PipelineRequest[Any]) -> None:
        host = urlsplit(request.http_request.url).netloc.lower()
        if host != self._host:
            raise ForeignHostError(
                f"refused to send the Azure token to {host or 'an unnamed host'}: a link in "
                f"Azure's answer pointed away from {self._host}")
