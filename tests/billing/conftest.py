import datetime as dt

import pytest

from booking import services
from booking.models import Organisation
from tests.conftest import next_weekday_at
from tests.factories import MembershipFactory, OrganisationFactory, RoomFactory, UserFactory
from tests.fakes.fixtures import fake_vipps  # noqa: F401  (the fixture)


@pytest.fixture
def business(db):
    """Bea, a member of a commercial organisation, which pays when it books."""
    org = OrganisationFactory(name="Ås Bilpleie AS", category=Organisation.Category.COMMERCIAL)
    bea = UserFactory(username="bea")
    MembershipFactory(user=bea, organisation=org)
    return bea, org


@pytest.fixture
def paid_room(db):
    return RoomFactory(name="Storsalen")


@pytest.fixture
def book_online(business, paid_room, fake_vipps):  # noqa: F811
    """Make an online booking (waiting for its payment) of 3 hours, as the web form does."""

    def make(start=None, *, by=None, organisation=None, room=None):
        bea, org = business
        start = start or next_weekday_at(2, 18)
        return services.booking_create(
            room=room or paid_room,
            organisation=organisation or org,
            by=by or bea,
            start=start,
            end=start + dt.timedelta(hours=3),
            title="Kundemøte",
            attendees=10,
        )

    return make
