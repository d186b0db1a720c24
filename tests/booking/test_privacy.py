"""Privacy: the page that says what is kept, one's own data as JSON, deleting one's
account (name, email and phone gone from every row, statistics kept) and old bookings
detached from who booked them after the retention period."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from booking import privacy as booking_privacy
from booking import services
from booking.models import Booking, BookingReport, Membership, Profile
from booking.reports import support_report
from lending import counter
from lending.models import Borrower
from notifications.models import Message
from notifications.services import enqueue
from tests.factories import (
    BookingFactory,
    BorrowerFactory,
    CentreFactory,
    ItemTypeFactory,
    MembershipFactory,
    OrganisationFactory,
    RoomFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE, USERNAME = "Kari Nordmann", "kari.nordmann@example.org", "+4791234567", "kari.n"
PASSWORD = "secret-pass-123"


@pytest.fixture
def kari():
    user = UserFactory(username=USERNAME, first_name="Kari", last_name="Nordmann", email=EMAIL)
    Profile.objects.create(user=user, phone=PHONE)
    return user


@pytest.fixture
def kari_client(kari):
    client = Client()
    client.force_login(kari)
    return client


def dump() -> str:
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def book(room, *, by, organisation=None, days_ago: int, title="Øving", notes=""):
    """A booking made through the service a while before it took place."""
    start = (timezone.now() - dt.timedelta(days=days_ago)).replace(minute=0, second=0,
                                                                    microsecond=0)  # fmt: skip
    return services.booking_create(
        room=room, organisation=organisation, by=by, start=start,
        end=start + dt.timedelta(hours=2), title=title, attendees=5, notes=notes,
        now=start - dt.timedelta(days=3), payer_name="Per Privat", payer_address="Lia 4, Ås",
    )  # fmt: skip


def test_the_privacy_page_names_who_answers_and_how_long(client, settings):
    settings.PRIVACY_CONTROLLER = "Fjordvik kommune"
    settings.PRIVACY_CONTACT = "personvern@fjordvik.kommune.no"
    settings.BOOKING_RETENTION_DAYS = 1095
    settings.LENDING_RETENTION_DAYS = 365
    text = client.get("/privacy/").content.decode()
    for shown in ("Fjordvik kommune", "personvern@fjordvik.kommune.no", "1095", "365"):
        assert shown in text


def test_own_data_comes_as_json(kari, kari_client):
    organisation = OrganisationFactory(name="Fjordvik Sjakklubb")
    MembershipFactory(user=kari, organisation=organisation, role="admin")
    room = RoomFactory()
    book(room, by=kari, organisation=organisation, days_ago=5, title="Sjakktrening")
    centre = CentreFactory()
    tent = ItemTypeFactory(centre=centre, units=1)
    borrower = BorrowerFactory(user=kari, name=NAME, phone=PHONE, email=EMAIL)
    counter.loan_create(by=UserFactory(is_superuser=True), borrower=borrower,
                        barcodes=[f"T{tent.pk}-1"])  # fmt: skip

    response = kari_client.get("/accounts/data/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == EMAIL and data["profile"]["phone"] == PHONE
    assert data["memberships"] == [
        {"organisation": "Fjordvik Sjakklubb", "org_number": organisation.org_number,
         "role": "admin"}
    ]  # fmt: skip
    assert [b["title"] for b in data["bookings"]] == ["Sjakktrening"]
    assert data["borrower"]["borrower"]["name"] == NAME
    assert len(data["borrower"]["loans"]) == 1

    assert Client().get("/accounts/data/").status_code == 302  # to the login


def test_deleting_asks_first_and_a_wrong_password_deletes_nothing(kari, kari_client):
    page = kari_client.get("/accounts/delete/")
    assert page.status_code == 200 and 'type="password"' in page.content.decode()
    response = kari_client.post("/accounts/delete/", {"password": "wrong"})
    assert response.status_code == 400
    kari.refresh_from_db()
    assert kari.is_active and kari.email == EMAIL


def test_an_account_without_a_password_confirms_with_a_typed_word(kari, kari_client):
    kari.set_unusable_password()
    kari.save()
    kari_client.force_login(kari)
    assert kari_client.post("/accounts/delete/", {"confirm": "nei"}).status_code == 400
    response = kari_client.post("/accounts/delete/", {"confirm": "slett"})
    assert response.status_code == 302
    kari.refresh_from_db()
    assert not kari.is_active and kari.email == ""


def test_after_deletion_name_email_and_phone_are_in_no_row(kari, settings):
    """The whole database, dumped, no longer holds them; the statistics are the same."""
    settings.NOTIFY_KEEP_DAYS = 90
    # Kari is the organisation's contact as well.
    organisation = OrganisationFactory(name="Fjordvik Skolekorps", contact_phone=PHONE)
    MembershipFactory(user=kari, organisation=organisation, role="member")
    MembershipFactory(organisation=organisation, role="admin")
    room = RoomFactory()
    caretaker = UserFactory(username="jan", email="jan@example.org")
    room.site.caretakers.add(caretaker)
    past = book(room, by=kari, organisation=organisation, days_ago=10,
                title=f"Korpsøving ({NAME})", notes=f"Ring {PHONE} ved spørsmål")  # fmt: skip
    private = book(room, by=kari, days_ago=20, title="Bursdag",
                   notes=f"Kontakt: {EMAIL}")  # fmt: skip
    BookingReport.objects.create(booking=past, kind="incident",
                                 note=f"{NAME} ryddet ikke", reported_by=caretaker)  # fmt: skip
    book(room, by=kari, organisation=organisation, days_ago=-10, title="Vårkonsert")
    enqueue(channel="email", recipient=caretaker.email, template="caretaker_digest",
            context={"sites": [{"bookings": [{"contact": NAME, "phone": PHONE}]}]},
            key="digest:test")  # fmt: skip
    enqueue(channel="sms", recipient=PHONE, template="booking_reminder",
            context={"bookings": []}, key="reminder:test")  # fmt: skip
    BorrowerFactory(user=kari, name=NAME, phone=PHONE, email=EMAIL)
    LogEntry.objects.create(
        user=caretaker, content_type=ContentType.objects.get_for_model(kari),
        object_id=str(kari.pk), object_repr=str(kari), action_flag=CHANGE, change_message="[]",
    )  # fmt: skip
    web = Client()
    web.post("/accounts/login/", {"login": USERNAME, "password": "wrong"})  # logged by axes
    assert (
        web.post("/accounts/login/", {"login": USERNAME, "password": PASSWORD}).status_code == 302
    )
    if apps.is_installed("allauth.account"):
        apps.get_model("account", "EmailAddress").objects.create(
            user=kari, email=EMAIL, verified=True, primary=True
        )
    year = timezone.localtime(private.start).year
    before = support_report(year).total
    everything = dump()
    assert all(word in everything for word in (NAME, EMAIL, PHONE, USERNAME))

    response = web.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302

    everything = dump()
    for word in (NAME, EMAIL, PHONE, USERNAME, "Nordmann"):
        at = everything.find(word)
        assert at < 0, everything[max(0, at - 300) : at + 100]
    after = support_report(year).total
    assert (after.bookings, after.seconds, after.full, after.paid, after.waived) == (
        before.bookings, before.seconds, before.full, before.paid, before.waived
    )  # fmt: skip
    assert Booking.objects.filter(pk__in=[past.pk, private.pk], status="confirmed").count() == 2
    assert Booking.objects.get(pk=past.pk).title == "Korpsøving (–)"
    assert not Membership.objects.filter(organisation=organisation, user_id=kari.pk).exists()
    assert Message.objects.filter(recipient=caretaker.email).exists()  # the caretaker's list stays
    assert Borrower.objects.get(user=None, anonymised_at__isnull=False)
    kari.refresh_from_db()
    assert not kari.is_active and not kari.has_usable_password()
    assert web.get("/bookings/").status_code == 302  # logged out


def test_the_last_administrator_cannot_leave_the_other_members_without_one(kari, kari_client):
    organisation = OrganisationFactory(name="Fjordvik Sjakklubb")
    MembershipFactory(user=kari, organisation=organisation, role="admin")
    MembershipFactory(organisation=organisation, role="member")
    response = kari_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert "Fjordvik Sjakklubb" in response.content.decode()
    kari.refresh_from_db()
    assert kari.is_active and organisation.memberships.filter(user=kari, role="admin").exists()

    MembershipFactory(organisation=organisation, role="admin")  # a second administrator
    assert kari_client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302
    assert organisation.memberships.filter(role="admin").count() == 1


def test_the_only_member_of_an_organisation_may_leave_it(kari, kari_client):
    organisation = OrganisationFactory()
    MembershipFactory(user=kari, organisation=organisation, role="admin")
    assert kari_client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302
    assert not organisation.memberships.exists()


def test_upcoming_private_bookings_and_borrowed_equipment_are_dealt_with_first(kari, kari_client):
    room = RoomFactory()
    upcoming = book(room, by=kari, days_ago=-5)
    response = kari_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    services.booking_cancel(booking=upcoming, by=kari)

    tent = ItemTypeFactory(units=1)
    borrower = BorrowerFactory(user=kari, name=NAME)
    staff = UserFactory(is_superuser=True)
    counter.loan_create(by=staff, borrower=borrower, barcodes=[f"T{tent.pk}-1"])
    assert kari_client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 400
    counter.loan_return(by=staff, barcode=f"T{tent.pk}-1", condition="ok")
    assert kari_client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302
    kari.refresh_from_db()
    assert not kari.is_active


def test_only_the_person_themself_deletes_an_account(kari):
    from django.core.exceptions import PermissionDenied

    from config.privacy import account_delete

    officer = UserFactory(is_superuser=True)
    with pytest.raises(PermissionDenied):
        account_delete(user=kari, by=officer)
    kari.refresh_from_db()
    assert kari.is_active


def test_old_bookings_lose_who_booked_them_after_the_retention_period(kari, settings):
    settings.BOOKING_RETENTION_DAYS = 1095
    room = RoomFactory()
    now = timezone.now()
    old = BookingFactory(room=room, booked_by=kari, start=now - dt.timedelta(days=1096, hours=3),
                         end=now - dt.timedelta(days=1096), notes=f"Ring {PHONE}",
                         full_price=500, price=0, waived=500)  # fmt: skip
    newer = BookingFactory(room=room, booked_by=kari, start=now - dt.timedelta(days=1094, hours=3),
                           end=now - dt.timedelta(days=1094), notes=f"Ring {PHONE}")  # fmt: skip
    BookingReport.objects.create(booking=old, kind="no_show", note=f"{NAME} kom ikke")
    year = timezone.localtime(old.start).year
    before = support_report(year).total

    out = StringIO()
    call_command("run_periodic", stdout=out)
    assert "anonymise-bookings: 1" in out.getvalue()

    old.refresh_from_db()
    newer.refresh_from_db()
    assert old.booked_by.username == booking_privacy.ANONYMOUS_BOOKER
    assert not old.booked_by.is_active and not old.booked_by.has_usable_password()
    assert old.notes == "" and old.reports.get().note == ""
    assert (old.organisation_id, old.full_price, old.waived) == (
        old.organisation_id, 500, 500
    )  # fmt: skip
    assert newer.booked_by == kari and newer.notes == f"Ring {PHONE}"
    after = support_report(year).total
    assert (after.bookings, after.full, after.waived, after.no_shows) == (
        before.bookings, before.full, before.waived, before.no_shows
    )  # fmt: skip
    assert booking_privacy.bookings_anonymise() == 0  # a second run finds nothing
    assert get_user_model().objects.filter(username=booking_privacy.ANONYMOUS_BOOKER).count() == 1


def test_the_retention_period_is_read_from_the_environment_and_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config import env

    monkeypatch.setenv("LOKALE_BOOKING_RETENTION_DAYS", "tre år")
    with pytest.raises(ImproperlyConfigured, match="LOKALE_BOOKING_RETENTION_DAYS"):
        env.env_int("LOKALE_BOOKING_RETENTION_DAYS", 1095, minimum=1)
    from django.conf import settings

    assert settings.BOOKING_RETENTION_DAYS == 1095  # the default: three years
