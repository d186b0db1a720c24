"""Claims in the shape ID-porten gives them: a pairwise ``sub``, the national identity
number in ``pid``, the level of assurance in ``acr``, the method in ``amr``."""

import json
import os
import secrets

import jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

# username -> claims, given by the test that starts the provider.
PEOPLE: dict[str, dict] = json.loads(os.environ.get("OIDC_PROVIDER_PEOPLE", "{}"))


class IDPortenValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "pid": "openid",
        "acr": "openid",
        "amr": "openid",
        "locale": "openid",
    }

    def get_additional_claims(self, request):
        claims = dict(PEOPLE[request.user.username])
        claims.pop("forge_nonce", None)
        claims.pop("userinfo_sub", None)
        return claims

    def get_userinfo_claims(self, request):
        claims = super().get_userinfo_claims(request)
        other = PEOPLE[request.user.username].get("userinfo_sub")
        return {**claims, "sub": other} if other else claims

    def finalize_id_token(self, id_token, token, token_handler, request):
        if PEOPLE[request.user.username].get("forge_nonce"):
            id_token["nonce"] = "a-nonce-this-client-never-sent"
        return super().finalize_id_token(id_token, token, token_handler, request)


def access_token(request) -> str:
    """An access token like ID-porten's: a JWT about the person, ``pid`` included."""
    person = PEOPLE[request.user.username]
    claims = {"sub": person["sub"], "pid": person["pid"], "jti": secrets.token_urlsafe(16)}
    return jwt.encode(claims, "test-provider-access-token-key", algorithm="HS256")
