from django.db import models


class FactsVersion(models.Model):
    """One row: a random 64-bit value that a trigger on each table of a room's facts
    (site, room, opening hours, closure, price rule, guidelines; migration 0018) replaces
    in the transaction of any insert, update or delete. Processes keep rooms, opening
    hours, closures, guidelines and price rules while it is unchanged (booking/facts.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField()

    class Meta:
        db_table = "booking_factsversion"

    def __str__(self) -> str:
        return f"facts version {self.value}"
