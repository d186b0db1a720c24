import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from booking.roles import COUNTER_GROUP
from booking.timeutil import OSLO
from tests.factories import BorrowerFactory, CentreFactory, ItemTypeFactory, UserFactory


def today() -> dt.date:
    return dt.datetime.now(OSLO).date()


def days_from_today(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@pytest.fixture
def centre(people):
    """A lending centre with tents (3 units) and skis (2 units, 2 days to dry after),
    dina at its counter, and two borrowers: Per and a boy whose mother is named."""
    dina = UserFactory(username="dina")
    Group.objects.get_or_create(name=COUNTER_GROUP)[0].user_set.add(dina)
    site = CentreFactory(name="Ås frivilligsentral")
    tent = ItemTypeFactory(centre=site, name="Telt 4 personer", units=3)
    skis = ItemTypeFactory(
        centre=site, name="Langrennski", size="150 cm", category="winter", turnaround_days=2,
        units=2,
    )  # fmt: skip
    per = BorrowerFactory(name="Per Hansen", phone="+4791234567", email="per@example.org")
    return SimpleNamespace(site=site, tent=tent, skis=skis, dina=dina, per=per, people=people)
