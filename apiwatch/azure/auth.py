"""Bearer-token policy: ARM's own (CAE claims challenges), plus one quiet retry when ARM answers
401 `invalid_token`: the policy drops its cached token and asks the credential again, which
renews an expired one, so a token that expires mid-poll goes unnoticed. (A revoked but unexpired
token comes back from the credential's own cache and fails again: that is shown, not hidden.)"""

from __future__ import annotations

from typing import Any

from azure.core.pipeline import PipelineRequest, PipelineResponse
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
