"""How django-allauth fits Lokale: its mails go through our outbox, its login form refuses
what no account can be called, its rate limits and the lockout find the client and the name
alike, staff-made accounts stay vouched for, and a booking refused for an unconfirmed
address says how to confirm it."""

import uuid

from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.views import EmailView
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.validators import MaxLengthValidator
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from config.clientip import client_ip
from config.errors import EmailUnverified
from notifications import services as notifications
from notifications.sealing import seal

ACCOUNT_MAIL = "account_mail"
# Usernames are at most 150 characters, addresses at most 254 (RFC 5321); the lockout's
# record of an attempt holds 255.
LOGIN_MAX_LENGTH = 254
LOCKOUT_NAME_LENGTH = 255


def _message_language() -> str:
    """The active language if Lokale speaks it (nb, nn, en), else bokmål."""
    language = (translation.get_language() or "nb")[:2]
    return language if language in dict(settings.LANGUAGES) else "nb"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's mail in the reader's language now and record it in the outbox,
        which sends it after commit and retries it like every other message. Each call is
        one message (allauth asks once per event). The body carries a confirmation or
        reset link, so it is sealed (notifications.sealing): whoever reads the outbox in
        the admin or a database copy gets no working link."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        language = _message_language()
        notifications.enqueue(
            channel="email",
            recipient=email,
            template=ACCOUNT_MAIL,
            context={"subject": message.subject, "sealed": {"body": seal(message.body)}},
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            language=language,
        )

    def can_delete_email(self, email_address: EmailAddress) -> bool:
        """Never the last address: one that signed up itself always keeps one, so that
        removing it cannot pass for an account made by staff (booking.roles.email_verified)."""
        others = EmailAddress.objects.filter(user_id=email_address.user_id).exclude(
            pk=email_address.pk
        )
        if email_address.pk and not others.exists():
            return False
        return super().can_delete_email(email_address)

    def get_client_ip(self, request) -> str:
        return client_ip(request) or super().get_client_ip(request)


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form (username or email), with a length limit on the name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].max_length = LOGIN_MAX_LENGTH
        self.fields["login"].validators.append(MaxLengthValidator(LOGIN_MAX_LENGTH))
        self.fields["login"].label = _("Username or email")
        self.fields["login"].widget.attrs.update(
            {"maxlength": LOGIN_MAX_LENGTH, "autocomplete": "username"}
        )


def keep_vouched(user) -> None:
    """An account made by staff (no address recorded: one that signs up always has one)
    gets its email recorded as confirmed before allauth records it as unconfirmed, so that
    opening the account page or asking for a new password does not hold back its bookings.
    An address another account has already confirmed stays unconfirmed here."""
    email = (user.email or "").strip().lower()
    if not email or EmailAddress.objects.filter(user=user).exists():
        return
    taken = EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": not taken, "primary": True}
    )


class AccountEmailView(EmailView):
    """allauth's change-of-email page, which first keeps a staff-made account vouched for."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            keep_vouched(request.user)
        return super().dispatch(request, *args, **kwargs)


def lockout_username(request, credentials=None) -> str | None:
    """The name django-axes counts a failed login against: the name typed, in lower case,
    as logins find their account regardless of case (ALICE, Alice and alice share one
    count)."""
    if credentials:
        name = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", request.POST)
        name = data.get("username") or data.get("login")
    return name.strip().lower()[:LOCKOUT_NAME_LENGTH] if isinstance(name, str) else name


def permission_denied(request, exception=None):
    """The 403 page; for a booking or reservation refused because the address is not yet
    confirmed, it says so and offers to send the confirmation again."""
    if isinstance(exception, EmailUnverified):
        pending = None
        if request.user.is_authenticated:
            pending = (
                EmailAddress.objects.filter(user=request.user, verified=False)
                .order_by("-primary", "pk")
                .first()
            )
        return render(
            request,
            "account/email_unverified.html",
            {"message": exception.message, "pending": pending},
            status=403,
        )
    return defaults.permission_denied(request, exception)
