from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from booking import roles
from booking.models import (
    Booking,
    Facility,
    Membership,
    Organisation,
    Profile,
    Room,
    RoomPhoto,
    Site,
)
from booking.validators import org_number_is_valid
from lending.models import Borrower, Item, ItemType, Loan, LoanLine, Reservation

pytestmark = pytest.mark.django_db

USERNAMES = [
    "demo-member",
    "demo-member2",
    "demo-business",
    "demo-private",
    "demo-officer",
    "demo-caretaker",
    "demo-counter",
]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Site,
            Room,
            Facility,
            Organisation,
            Membership,
            Booking,
            Profile,
            ItemType,
            Item,
            Borrower,
            Loan,
            LoanLine,
            Reservation,
            RoomPhoto,
        )
    } | {"User": get_user_model().objects.count()}


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def seeded():
    """The demo after two runs; the first run's output (the second says nothing changed)."""
    output = seed()
    seed()
    return output


def test_every_login_works_with_the_default_password_and_is_printed(seeded):
    for username in USERNAMES:
        assert (
            authenticate(
                RequestFactory().post("/accounts/login/"), username=username, password="demo"
            )
            is not None
        ), username
        assert username in seeded
        profile = Profile.objects.get(user__username=username)
        assert profile.language == "nb"
        assert profile.phone


def test_each_user_has_the_role_the_product_names(seeded):
    member, member2 = user("demo-member"), user("demo-member2")
    admin_of = Membership.objects.get(user=member)
    assert admin_of.role == Membership.Role.ADMIN
    assert admin_of.organisation.category == Organisation.Category.VOLUNTARY
    assert admin_of.organisation.voluntary_verified
    member_of = Membership.objects.get(user=member2)
    assert member_of.role == Membership.Role.MEMBER
    assert member_of.organisation.voluntary_verified
    assert member_of.organisation != admin_of.organisation
    business = Membership.objects.get(user=user("demo-business")).organisation
    assert business.category == Organisation.Category.COMMERCIAL
    assert not Membership.objects.filter(user=user("demo-private")).exists()

    assert roles.is_officer(user("demo-officer"))
    assert roles.is_counter_staff(user("demo-counter"))
    for username in ("demo-member", "demo-private", "demo-caretaker"):
        assert not roles.is_officer(user(username))
        assert not roles.is_counter_staff(user(username))
    first_school = Site.objects.filter(kind=Site.Kind.SCHOOL).order_by("pk").first()
    assert list(user("demo-caretaker").caretaker_sites.all()) == [first_school]


def test_the_municipality_has_the_promised_shape(seeded):
    kinds = list(Site.objects.values_list("kind", flat=True))
    assert sorted(kinds) == sorted(["school", "school", "innbyggertorg", "lending_centre"])
    assert Room.objects.filter(requires_approval=True).exists()
    assert Room.objects.filter(requires_approval=False).count() >= 2
    for room in Room.objects.exclude(site__kind=Site.Kind.LENDING_CENTRE):
        assert room.opening_hours.exists(), room
        assert room.hourly_price > 0, room
    school_hours = Room.objects.filter(site__kind=Site.Kind.SCHOOL).values_list(
        "opening_hours__weekday", "opening_hours__opens"
    )
    assert all(opens.hour >= 16 for weekday, opens in school_hours if weekday < 5)
    for organisation in Organisation.objects.all():
        assert org_number_is_valid(organisation.org_number), organisation


def test_demo_bookings_follow_the_rooms_rules(seeded):
    bookings = Booking.objects.select_related("room")
    assert bookings.filter(status=Booking.Status.PENDING, room__requires_approval=True).exists()
    assert bookings.filter(public=True).exists()
    assert bookings.filter(organisation__isnull=True, booked_by__username="demo-private").exists()
    for booking in bookings:
        expected = {Booking.Status.PENDING, Booking.Status.CONFIRMED}
        if not booking.room.requires_approval:
            expected = {Booking.Status.CONFIRMED}
        assert booking.status in expected, booking


def test_running_twice_changes_nothing():
    seed()
    before = counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    again = seed()
    assert counts() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords
    assert "nothing changed" in again


def test_password_option_sets_every_demo_password():
    output = seed("--password", "hemmelig-42")
    assert "hemmelig-42" in output
    for username in USERNAMES:
        assert (
            authenticate(
                RequestFactory().post("/accounts/login/"), username=username, password="hemmelig-42"
            )
            is not None
        ), username
        assert (
            authenticate(
                RequestFactory().post("/accounts/login/"), username=username, password="demo"
            )
            is None
        ), username


def test_the_demo_lending_centre_has_equipment_a_loan_out_and_one_overdue():
    seed()
    assert ItemType.objects.count() == 8 and Item.objects.count() == 34
    assert {b.name for b in Borrower.objects.all()} == {"Nora Berg", "Emil Dahl (13)"}
    overdue = Loan.objects.filter(due__lt=timezone.localdate())
    assert [loan.borrower.name for loan in overdue] == ["Emil Dahl (13)"]
    assert LoanLine.objects.filter(returned_at__isnull=True).count() == 4
    assert Reservation.objects.get().quantity == 6


def test_demo_rooms_have_descriptions_facts_locations_and_photos(seeded):
    storsalen = Room.objects.get(name="Storsalen")
    assert storsalen.description_nb and storsalen.description_en
    assert storsalen.step_free_access is True
    assert storsalen.site.map_url.startswith("https://www.openstreetmap.org/?mlat=58.")
    assert Room.objects.filter(step_free_access=False).exists()  # a clear "no" as well
    assert storsalen.photos.count() == 1
    aula = Room.objects.get(name="Aulaen")
    assert [p.alt_nb for p in aula.photos.all()][1] == "Inngangen til aulaen uten trinn"
    # Two runs, photos made once.
    assert RoomPhoto.objects.count() == 4
    assert all(p.thumbnail_width == 480 for p in RoomPhoto.objects.all())
