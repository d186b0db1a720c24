"""Decisions that stay in the record: rejections with a reason, and the past kept."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from booking import services
from booking.caretaking import booking_report
from booking.models import Booking
from booking.reports import support_report
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, RoomFactory

pytestmark = pytest.mark.django_db


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_for_approval(people) -> Booking:
    start = next_weekday_at(1, 18)
    return services.booking_create(
        room=RoomFactory(name="Gymsalen", requires_approval=True), organisation=people.org_a,
        by=people.alice, start=start, end=start + dt.timedelta(hours=2), title="Turnering",
        attendees=10,
    )  # fmt: skip


def started(people, *, organisation="a", hours_ago=1) -> Booking:
    """A booking row that began ``hours_ago`` hours ago (the scene, not the rules)."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    start -= dt.timedelta(hours=hours_ago)
    return BookingFactory(
        room=people.room, organisation=people.org_a if organisation == "a" else None,
        booked_by=people.alice, start=start, end=start + dt.timedelta(hours=1), title="Møte",
    )  # fmt: skip


def test_rejecting_over_the_api_without_a_note_is_a_400_naming_the_note(people, client_for):
    booking = request_for_approval(people)
    olga = client_for(people.olga)
    for body in ({}, {"note": ""}, {"note": "  ", "scope": "booking"}):
        response = olga.post(f"/api/v1/bookings/{booking.pk}/reject/", body, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["note"]
    assert Booking.objects.get(pk=booking.pk).status == "pending"
    response = olga.post(
        f"/api/v1/bookings/{booking.pk}/reject/", {"note": "Gymsalen males"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_rejecting_on_the_web_without_a_note_shows_the_error_at_the_note(people):
    booking = request_for_approval(people)
    response = web(people.olga).post(f"/approvals/{booking.pk}/", {"decision": "reject"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="note-{booking.pk}-error"' in page
    assert f'aria-describedby="note-{booking.pk}-help note-{booking.pk}-error"' in page
    assert "Oppgi en begrunnelse for avslaget" in page
    assert Booking.objects.get(pk=booking.pk).status == "pending"
    response = web(people.olga).post(
        f"/approvals/{booking.pk}/", {"decision": "reject", "note": "Opptatt"}, follow=True
    )
    assert "Avslått: Turnering." in response.content.decode()


def test_the_word_for_rejected_is_avslatt(people):
    with translation.override("nb"):
        assert str(Booking.Status.REJECTED.label) == "avslått"
        assert str(Booking.Status.CANCELLED.label) == "avbestilt"


def test_the_rejection_letter_gives_the_reason_and_how_to_ask_again(
    people, django_capture_on_commit_callbacks
):
    booking = request_for_approval(people)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reject(booking=booking, by=people.olga, note="Gymsalen males")
    (letter,) = mail.outbox
    assert letter.subject.startswith("Avslått: Gymsalen")
    assert "Forespørselen din er avslått" in letter.body
    assert "Begrunnelse: Gymsalen males" in letter.body
    assert "Slik spør du på nytt" in letter.body
    assert "/rooms/" in letter.body and "bookingkontoret" in letter.body
    assert f"bookingnummeret {booking.pk}" in letter.body


def test_a_member_cannot_cancel_a_past_booking_over_the_api(people, client_for):
    booking = started(people, hours_ago=24 * 3)
    response = client_for(people.alice).delete(f"/api/v1/bookings/{booking.pk}/")
    assert response.status_code == 400
    assert list(response.json()) == ["start"]
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_an_officer_cancels_a_past_booking_over_the_api_only_with_a_reason(people, client_for):
    booking = started(people, hours_ago=24 * 3)
    olga = client_for(people.olga)
    response = olga.delete(f"/api/v1/bookings/{booking.pk}/")
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    response = olga.delete(
        f"/api/v1/bookings/{booking.pk}/", {"reason": "Ført på feil lag"}, format="json"
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason, booking.cancelled_by) == (
        "cancelled", "Ført på feil lag", people.olga,
    )  # fmt: skip


def test_on_the_web_a_started_booking_has_no_cancel_button_and_a_cancel_is_refused(people):
    booking = started(people)
    alice = web(people.alice)
    assert f"/bookings/{booking.pk}/cancel/" not in alice.get("/bookings/").content.decode()
    detail = alice.get(f"/bookings/{booking.pk}/").content.decode()
    assert f"/bookings/{booking.pk}/cancel/" not in detail
    assert "kontakt bookingkontoret" in detail
    response = alice.post(f"/bookings/{booking.pk}/cancel/", follow=True)
    assert response.redirect_chain[-1][0] == f"/bookings/{booking.pk}/"
    assert "kan ikke lenger avbestilles" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_an_officer_on_the_web_gives_a_reason_to_cancel_a_started_booking(people):
    booking = started(people)
    olga = web(people.olga)
    detail = olga.get(f"/bookings/{booking.pk}/").content.decode()
    assert f'action="/bookings/{booking.pk}/cancel/"' in detail
    confirm = olga.get(f"/bookings/{booking.pk}/cancel/").content.decode()
    assert 'name="reason"' in confirm and "required" in confirm
    olga.post(f"/bookings/{booking.pk}/cancel/")
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    olga.post(f"/bookings/{booking.pk}/cancel/", {"reason": "Skolen var stengt"})
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("cancelled", "Skolen var stengt")


def test_the_support_report_counts_every_no_show_the_caretakers_marked(people):
    """One no-show of a private person, one of org A on a booking an officer later
    cancelled: both are in the report and on its page."""
    private = started(people, organisation=None)
    corrected = started(people, hours_ago=3)
    for booking in (private, corrected):
        booking_report(booking=booking, by=people.carl, kind="no_show")
    services.booking_cancel(booking=corrected, by=people.olga, reason="Kom aldri")
    year = timezone.localdate().year
    with translation.override("en"):
        report = support_report(year)
    counts = {row.name: row.no_shows for row in report.organisations}
    assert counts == {people.org_a.name: 1, "Private persons": 1}
    assert report.total.no_shows == 2
    page = web(people.olga).get(f"/reports/support/?year={year}").content.decode()
    assert "Ingen vaktmester har meldt" not in page
    assert f"{people.org_a.name}: 1" in page
    download = web(people.olga).get(f"/reports/support.csv?year={year}").content.decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(download), delimiter=";")}
    assert rows[people.org_a.name][-1] == "1" and rows["Totalt"][-1] == "2"
