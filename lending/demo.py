"""The demo lending centre: equipment with barcodes, two borrowers, loans and a reservation.

Added by `manage.py seed_demo` (booking's command sends ``demo_seeded``; lending's app
config connects ``seed_demo_lending``). Running it twice changes nothing.
"""

import datetime as dt

from django.utils import timezone

from booking.models import Site
from booking.timeutil import OSLO
from lending.models import Borrower, Item, ItemType, Loan, LoanLine, Reservation

# name, size, category, units, default days, max days, max per borrower, turnaround days
EQUIPMENT = [
    ("Langrennski med staver", "150 cm", "winter", 4, 7, 14, 2, 1),
    ("Langrennski med staver", "170 cm", "winter", 3, 7, 14, 2, 1),
    ("Skøyter", "38", "winter", 2, 7, 14, 2, 0),
    ("Telt 4 personer", "", "outdoor", 3, 5, 14, 1, 2),
    ("Sovepose", "", "outdoor", 5, 5, 14, 4, 1),
    ("Lydanlegg med to mikrofoner", "", "sound", 1, 2, 3, 1, 0),
    ("Klappbord", "180 cm", "event", 10, 2, 4, 10, 0),
    ("Fotball", "str. 5", "sports", 6, 14, 30, 3, 0),
]

BORROWERS = [
    ("Nora Berg", "+4741100001", "nora.berg@example.org", False, ""),
    ("Emil Dahl (13)", "+4741100002", "", True, "Ingrid Dahl"),
]


def seed_demo_lending(sender, *, users: dict, sites: dict, **kwargs) -> int:
    """The demo's lending centre at its lending-centre site, run by demo-counter."""
    centre = next(site for site in sites.values() if site.kind == Site.Kind.LENDING_CENTRE)
    return seed_lending(centre, users["demo-counter"])


def seed_lending(centre, counter_user) -> int:
    """Returns how many objects were made (0 on a second run)."""
    made = 0
    now = timezone.now()
    today = now.astimezone(OSLO).date()
    types = {}
    for n, (name, size, category, units, default, longest, most, dry) in enumerate(EQUIPMENT):
        item_type, created = ItemType.objects.get_or_create(
            centre=centre, name=name, size=size,
            defaults={"category": category, "default_loan_days": default,
                      "max_loan_days": longest, "max_per_borrower": most, "turnaround_days": dry},
        )  # fmt: skip
        made += created
        types[(name, size)] = item_type
        for unit in range(1, units + 1):
            _, created = Item.objects.get_or_create(
                barcode=f"FV-{n + 1:02d}{unit:02d}", defaults={"item_type": item_type}
            )
            made += created
    borrowers = []
    for name, phone, email, minor, guardian in BORROWERS:
        borrower, created = Borrower.objects.get_or_create(
            name=name,
            defaults={"phone": phone, "email": email, "is_minor": minor, "guardian_name": guardian,
                      "consent_at": now, "last_activity_at": now},
        )  # fmt: skip
        made += created
        borrowers.append(borrower)
    if not Loan.objects.filter(centre=centre).exists():
        made += _loans(centre, counter_user, borrowers, types, now, today)
    return made


def _loans(centre, counter_user, borrowers, types, now, today) -> int:
    nora, emil = borrowers
    out = Loan.objects.create(borrower=nora, centre=centre, lent_by=counter_user, lent_at=now,
                              due=today + dt.timedelta(days=3))  # fmt: skip
    LoanLine.objects.bulk_create(
        LoanLine(loan=out, item=item, item_type=item.item_type)
        for item in Item.objects.filter(barcode__in=["FV-0401", "FV-0501", "FV-0502"])
    )
    late = Loan.objects.create(borrower=emil, centre=centre, lent_by=counter_user,
                               lent_at=now - dt.timedelta(days=9),
                               due=today - dt.timedelta(days=2))  # fmt: skip
    skis = Item.objects.get(barcode="FV-0101")
    LoanLine.objects.create(loan=late, item=skis, item_type=skis.item_type)
    Reservation.objects.create(
        borrower=nora, item_type=types[("Klappbord", "180 cm")], quantity=6,
        start=today + dt.timedelta(days=5), end=today + dt.timedelta(days=6),
        created_by=counter_user,
    )  # fmt: skip
    return 6
