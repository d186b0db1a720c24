"""What caretakers report about a booking: nobody came, or something happened."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from booking.models.bookings import Booking


class BookingReport(models.Model):
    class Kind(models.TextChoices):
        NO_SHOW = "no_show", _("did not show up")
        INCIDENT = "incident", _("incident")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("caretaker's report")
        verbose_name_plural = _("caretakers' reports")
        constraints = [
            # One no-show per booking: pressing the button twice records it once.
            models.UniqueConstraint(
                fields=["booking"], condition=models.Q(kind="no_show"), name="report_one_no_show"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.booking}"
