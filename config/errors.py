"""Domain errors shared by the apps; the API maps them to HTTP answers."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """The time or the units asked for are taken (HTTP 409)."""

    def __init__(self, detail: str, conflicts: list[dict]):
        super().__init__(detail)
        self.detail = detail
        self.conflicts = conflicts


class EmailUnverified(PermissionDenied):
    """The person has not yet confirmed their email address (HTTP 403 with this message)."""

    def __init__(self, message=None):
        self.message = message or _("Confirm your email address before you book.")
        super().__init__(str(self.message))
