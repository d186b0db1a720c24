"""A site's guidelines for borrowing and renting its rooms, one row per published version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from booking.models.places import Site


class Guidelines(models.Model):
    """One version of a site's guidelines («retningslinjer for lån og leie»). A new
    version is a new row, published through ``booking.guidelines.guidelines_publish``;
    bookings keep pointing at the version they accepted."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="guidelines")
    version = models.PositiveIntegerField(_("version"), editable=False)
    text_nb = models.TextField(_("text (bokmål)"), max_length=20_000)
    text_nn = models.TextField(_("text (nynorsk)"), max_length=20_000, blank=True)
    text_en = models.TextField(_("text (English)"), max_length=20_000, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["site", "-version"]
        verbose_name = _("guidelines")
        verbose_name_plural = _("guidelines")
        constraints = [
            models.UniqueConstraint(fields=["site", "version"], name="guidelines_site_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="guidelines_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} ({_('version')} {self.version})"

    @property
    def text(self) -> str:
        """The text in the active language, bokmål when that language has none."""
        language = (get_language() or "nb")[:2]
        return {"nn": self.text_nn, "en": self.text_en}.get(language) or self.text_nb
