"""A local copy of Enhetsregisteret's main units (enheter), keyed by organisation number."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """One unit as the register describes it. Written only by the importer and the look-up."""

    org_number = models.CharField(_("organisation number"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=500)
    form_code = models.CharField(_("organisational form"), max_length=10, blank=True)
    form_description = models.CharField(
        _("organisational form (description)"), max_length=200, blank=True
    )
    # The business address (forretningsadresse), or the postal address when it has none.
    address_lines = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, blank=True)
    voluntary = models.BooleanField(_("in Frivillighetsregisteret"), default=False)
    bankrupt = models.BooleanField(_("bankrupt"), default=False)
    under_liquidation = models.BooleanField(_("under liquidation"), default=False)
    deleted_on = models.DateField(_("deleted from the register on"), null=True, blank=True)
    # When an import or a look-up last brought a change to this unit (not touched otherwise).
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("register unit")
        verbose_name_plural = _("register units")

    def __str__(self) -> str:
        return f"{self.org_number} {self.name}"

    @property
    def address(self) -> list[str]:
        return [line for line in self.address_lines.split("\n") if line]
