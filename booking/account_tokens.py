"""allauth's password reset tokens, on their own: allauth.account.forms builds its token
generator from the setting while it is itself being imported."""

from allauth.account.forms import EmailAwarePasswordResetTokenGenerator


class PasswordResetTokenGenerator(EmailAwarePasswordResetTokenGenerator):
    """allauth's reset tokens, keeping a staff-made account vouched for first
    (booking.accounts.keep_vouched)."""

    def _make_hash_value(self, user, timestamp) -> str:
        from booking.accounts import keep_vouched

        keep_vouched(user)
        return super()._make_hash_value(user, timestamp)
