"""Token authentication that reads, with the token and its user, what a booking asks next.

DRF's own check reads the token with its user; creating a booking then reads whether the
person has confirmed an email address (booking.roles.email_verified) and their profile
(the language of the confirmation). This reads all three in the one query, so a booking
made with a token costs two queries fewer; the answers are the same.
"""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        addresses = EmailAddress.objects.filter(user=OuterRef("user_id"))
        try:
            token = (
                Token.objects.select_related("user__profile")
                .annotate(
                    any_address=Exists(addresses),
                    verified_address=Exists(addresses.filter(verified=True)),
                )
                .get(key=key)
            )
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # As booking.roles.email_verified decides: confirmed, or no address recorded at all.
        if token.verified_address or not token.any_address:
            user._lokale_email_verified = True
        return (user, token)
