from django.db import models

# The tables whose rows a booking reads as its room's facts (booking/facts.py): a change
# to any of them, in any process, sets FactsVersion to a new value in its transaction.
FACT_TABLES = (
    "booking_site",
    "booking_room",
    "booking_openinghours",
    "booking_closure",
    "booking_pricerule",
    "booking_guidelines",
)


class FactsVersion(models.Model):
    """One row: a random 64-bit value that a trigger on each of FACT_TABLES replaces in
    the transaction of any insert, update or delete (migration 0018). Processes keep
    rooms, opening hours, closures, guidelines and price rules while it is unchanged."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField()

    class Meta:
        db_table = "booking_factsversion"

    def __str__(self) -> str:
        return f"facts version {self.value}"
