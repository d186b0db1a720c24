"""Logging in with ID-porten: allauth's OpenID Connect provider, with the nonce checked,
the national identity number (``pid``) dropped before anything is kept, and a sign-up
form that asks once for what ID-porten does not tell (the email address, a missing name).

The account is found by the provider's ``sub`` alone (``SocialAccount.uid``)."""

from allauth.account.utils import user_field
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, get_adapter
from allauth.socialaccount.forms import SignupForm
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.utils import get_request_param
from django import forms
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

# The claims that may be kept (in SocialAccount.extra_data, the session, the logs); every
# other claim, the national identity number above all, is dropped as it arrives.
KEPT_CLAIMS = frozenset(
    {
        "sub",
        "iss",
        "aud",
        "iat",
        "exp",
        "auth_time",
        "acr",
        "amr",
        "locale",
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "email",
        "email_verified",
    }
)


def kept_claims(claims: dict) -> dict:
    """The claims of ``claims`` that Lokale may keep."""
    return {key: value for key, value in claims.items() if key in KEPT_CLAIMS}


def nonce_for(state_id: str) -> str:
    """The nonce sent with the login whose state is ``state_id``.

    Derived from the state (a random value kept in this browser's session, which allauth
    checks on the way back) with the secret key, so the ID token must have been issued for
    the very request this session made, without a second value to keep."""
    return salted_hmac("lokale.idporten.nonce", state_id, algorithm="sha256").hexdigest()


class IDPortenProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with a nonce and nothing kept beyond KEPT_CLAIMS."""

    package = "allauth.socialaccount.providers.openid_connect"  # its URLs are allauth's
    # Logins come only through the browser redirect, where state, PKCE and nonce are checked.
    supports_token_authentication = False

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        state_id = kwargs.pop("state_id", None) or get_adapter().generate_state_param({})
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce_for(state_id)}
        response = super().redirect(
            request, process, next_url, data, auth_params=auth_params, state_id=state_id, **kwargs
        )
        if response.status_code != 302:
            return response
        # A page that goes on to the provider, not a redirect: the login button is a form,
        # and the Content-Security-Policy (form-action 'self') would stop a form's redirect
        # to another site.
        page = render(
            request, "socialaccount/continue.html", {"provider": self, "url": response["Location"]}
        )
        add_never_cache_headers(page)
        return page

    def sociallogin_from_response(self, request, response):
        id_token = response.get("id_token")
        if not isinstance(id_token, dict):
            raise OAuth2Error("The provider sent no ID token")
        state_id = get_request_param(request, "state") or ""
        nonce = id_token.get("nonce")
        if not (
            state_id
            and isinstance(nonce, str)
            and constant_time_compare(nonce, nonce_for(state_id))
        ):
            raise OAuth2Error("The ID token was not issued for this login (nonce)")
        userinfo = response.get("userinfo")
        if userinfo is not None and userinfo.get("sub") != id_token.get("sub"):
            raise OAuth2Error("The userinfo answer is about someone else (sub)")
        kept = {"id_token": kept_claims(id_token)}
        if userinfo is not None:
            kept["userinfo"] = kept_claims(userinfo)
        return super().sociallogin_from_response(request, kept)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        # ID-porten's access token is a JWT that carries pid; it is not needed after the
        # login, and must not be written into the session while the sign-up form waits.
        sociallogin.token = None

    def is_auto_signup_allowed(self, request, sociallogin):
        user = sociallogin.user
        has_name = user_field(user, "first_name") and user_field(user, "last_name")
        return bool(has_name) and super().is_auto_signup_allowed(request, sociallogin)


class IDPortenSignupForm(SignupForm):
    """The sign-up after a first ID-porten login: name (filled in when the provider gave
    it) and an email address, which is verified like any other sign-up's."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["first_name", "last_name", "email"])
