"""What each booking change tells whom, in which language, with which calendar invitation.

No broker here (the embedded default): the rows are sent in-process after commit, into
Django's locmem mailbox.
"""

import datetime as dt

import icalendar
import pytest
from django.core import mail

from booking import notify, services
from booking.closures import closure_create
from booking.models import Booking, Profile
from booking.series import series_create
from booking.series_changes import series_cancel_from, series_decide
from booking.timeutil import OSLO, UTC
from notifications.models import Message
from tests.booking.test_time import last_sunday, next_spring_forward
from tests.conftest import next_weekday_at
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db
SUNDAY = 6


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run what commits would run, and return the mails that went out."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result

    return run


def book(people, start=None, room=None, by=None, hours=2, **extra):
    start = (start or next_weekday_at(1, 18)).astimezone(UTC)  # real hours, not wall-clock
    extra.setdefault("organisation", people.org_a)
    if extra["organisation"] is None:  # a private person is invoiced at home
        extra.update(payer_name="Bob Privat", payer_address="Lia 4, 1430 Ås")
    return services.booking_create(
        room=room or people.room, by=by or people.alice,
        start=start, end=start + dt.timedelta(hours=hours), title="Sjakkturnering",
        attendees=12, **extra,
    )  # fmt: skip


def calendar_of(message) -> icalendar.Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("invitation.ics", "text/calendar; charset=utf-8")
    return icalendar.Calendar.from_ical(content)


def test_a_confirmed_booking_mails_one_confirmation_with_the_invitation(people, sent):
    booking = sent(lambda: book(people))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people.alice.email]
    assert message.subject.startswith("Bekreftet: Aulaen ")
    assert "Bookingen er bekreftet" in message.body
    assert f"/bookings/{booking.pk}/" in message.body
    (event,) = calendar_of(message).walk("VEVENT")
    assert str(event["uid"]) == booking.uid == f"booking-{booking.pk}@lokale"
    assert event.decoded("dtstart") == booking.start
    assert event.decoded("dtstart").tzinfo.key == "Europe/Oslo"
    assert Message.objects.get().status == "sent"


def test_the_recipient_language_chooses_the_words(people, sent):
    Profile.objects.create(user=people.alice, language="en")
    sent(lambda: book(people))
    assert mail.outbox[0].subject.startswith("Confirmed: Aulaen ")
    assert "Your booking is confirmed" in mail.outbox[0].body


def test_a_nynorsk_profile_gets_its_messages_in_nynorsk(people, sent):
    Profile.objects.create(user=people.alice, language="nn")
    booking = sent(lambda: book(people))
    sent(lambda: services.booking_cancel(booking=booking, by=people.olga, reason="Vasskade"))
    confirmed, cancelled = mail.outbox
    assert confirmed.subject.startswith("Stadfesta: Aulaen ")
    assert "Bookinga er stadfesta" in confirmed.body and "Helsing Lokale" in confirmed.body
    assert cancelled.subject.startswith("Avlyst: Aulaen ")
    assert "Ein sakshandsamar i kommunen har avlyst denne bookinga" in cancelled.body
    weekdays = ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag")
    assert any(f"{day} " in confirmed.body for day in weekdays)
    assert Message.objects.filter(language="nn").count() == 2


def test_every_message_is_one_template_for_every_language():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    templates = list(root.glob("*/templates/messages/*.txt"))
    assert len(templates) > 20
    per_language = [
        str(path.relative_to(root))
        for path in templates
        if any(f".{code}." in path.name for code in ("nb", "nn", "en"))
    ]
    assert per_language == [], "one file with {% translate %} (STYLE 17)"


def test_a_request_is_received_then_approved_or_rejected_with_the_note(people, sent):
    room = RoomFactory(name="Gymsalen", requires_approval=True)
    first = sent(lambda: book(people, room=room))
    second = sent(lambda: book(people, room=room, start=next_weekday_at(2, 18)))
    received = "Vi har mottatt forespørselen din"
    assert [m.subject.split(":")[0] for m in mail.outbox] == [received] * 2
    assert not mail.outbox[0].attachments

    sent(lambda: services.booking_approve(booking=first, by=people.olga, note="Velkommen!"))
    sent(lambda: services.booking_reject(booking=second, by=people.olga, note="Stengt for maling"))
    approved, rejected = mail.outbox[2:]
    assert approved.subject.startswith("Bekreftet: Gymsalen")
    assert "Forespørselen din er godkjent" in approved.body and "Velkommen!" in approved.body
    assert str(calendar_of(approved).walk("VEVENT")[0]["sequence"]) == "1"
    assert rejected.subject.startswith("Avslått: Gymsalen")
    assert "Begrunnelse: Stengt for maling" in rejected.body


@pytest.mark.parametrize(
    ("who", "words"),
    [("alice", "er avlyst, slik dere ba om"), ("olga", "En saksbehandler i kommunen har avlyst")],
)
def test_a_cancellation_says_who_and_why_and_cancels_the_calendar_event(people, sent, who, words):
    booking = book(people)
    by = getattr(people, who)
    sent(lambda: services.booking_cancel(booking=booking, by=by, reason="Sykdom i laget"))
    (message,) = mail.outbox
    assert message.subject.startswith("Avlyst: Aulaen")
    assert words in message.body and "Grunn: Sykdom i laget" in message.body
    (event,) = calendar_of(message).walk("VEVENT")
    assert (str(event["status"]), str(event["uid"])) == ("CANCELLED", booking.uid)
    assert int(event["sequence"]) == 1


def test_a_closure_tells_each_booker_once_about_all_their_bookings(people, sent):
    tuesdays = [next_weekday_at(1, 18, weeks=w) for w in (1, 2, 3)]
    for start in tuesdays:
        book(people, start=start)
    book(people, start=tuesdays[1] + dt.timedelta(days=1), by=people.bob, organisation=None)
    sent(lambda: closure_create(
        site=people.room.site, start=tuesdays[0] - dt.timedelta(hours=1),
        end=tuesdays[2] + dt.timedelta(days=1), reason="Vannlekkasje", by=people.olga,
    ))  # fmt: skip
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {people.alice.email, people.bob.email}
    alice = by_recipient[people.alice.email]
    assert "Kommunen har stengt lokalet, og disse bookingene er derfor avlyst" in alice.body
    assert "Grunn: Stengt: Vannlekkasje" in alice.body
    assert len(calendar_of(alice).walk("VEVENT")) == 3


def test_a_season_is_one_message_with_every_week_in_the_invitation(people, sent):
    room = RoomFactory(booking_horizon_days=800)
    spring = next_spring_forward()
    _series, bookings, _plan = sent(lambda: series_create(
        room=room, organisation=people.org_a, by=people.alice, weekdays=[SUNDAY],
        start_time=dt.time(18), end_time=dt.time(20), first=spring - dt.timedelta(weeks=2),
        until=spring + dt.timedelta(weeks=2), title="Korpsøvelse", attendees=20,
        include_holidays=True,  # the spring-forward Sunday may be Easter Sunday (2027)
    ))  # fmt: skip
    (message,) = mail.outbox
    assert message.subject.endswith("og 4 uker til")
    events = calendar_of(message).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [b.uid for b in bookings]
    # 18:00 Oslo time on both sides of the spring-forward: 17:00 UTC before, 16:00 after.
    local = [e.decoded("dtstart") for e in events]
    assert {(t.hour, t.minute, t.tzinfo.key) for t in local} == {(18, 0, "Europe/Oslo")}
    assert [t.astimezone(UTC).hour for t in local] == [17, 17, 16, 16, 16]
    assert [t.date() for t in local][2] == spring

    mail.outbox.clear()
    sent(lambda: series_cancel_from(booking=bookings[3], by=people.alice, reason="Sesongslutt"))
    (cancelled,) = mail.outbox
    assert [str(e["uid"]) for e in calendar_of(cancelled).walk("VEVENT")] == [
        b.uid for b in bookings[3:]
    ]


def test_a_pending_season_decided_at_once_is_one_message(people, sent):
    room = RoomFactory(booking_horizon_days=800, requires_approval=True)
    first = next_weekday_at(1, 0, weeks=2).date()
    series, _b, _p = series_create(
        room=room, organisation=people.org_a, by=people.alice, weekdays=[1],
        start_time=dt.time(18), end_time=dt.time(20), first=first,
        until=first + dt.timedelta(weeks=5), title="Korpsøvelse", attendees=20,
    )  # fmt: skip
    sent(lambda: series_decide(series=series, by=people.olga, approve=True, note="Ok"))
    (message,) = mail.outbox
    assert message.subject.startswith("Bekreftet") and message.subject.endswith("og 5 uker til")
    assert len(calendar_of(message).walk("VEVENT")) == 6


def test_the_invitation_places_an_autumn_booking_after_the_fall_back(people, sent):
    today = dt.datetime.now(OSLO).date()
    autumn = last_sunday(today.year, 10)
    if autumn <= today + dt.timedelta(days=2):
        autumn = last_sunday(today.year + 1, 10)
    room = RoomFactory(booking_horizon_days=400)
    # 01:00–04:00 local on the fall-back night lasts four hours.
    start = dt.datetime.combine(autumn, dt.time(1), tzinfo=OSLO)
    booking = sent(lambda: book(people, room=room, start=start, hours=4))
    (event,) = calendar_of(mail.outbox[0]).walk("VEVENT")
    assert event.decoded("dtstart") == booking.start
    assert event.decoded("dtend").astimezone(OSLO).time() == dt.time(4)
    length = event.decoded("dtend").astimezone(UTC) - event.decoded("dtstart").astimezone(UTC)
    assert length == dt.timedelta(hours=4)


def local_day_at(days_ahead: int, hour: int) -> dt.datetime:
    """A whole local hour on a day counted from today: never near midnight, whenever run."""
    day = dt.datetime.now(OSLO).date() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


class TestReminders:
    def make(self, people):
        """A booking the day after tomorrow at 12:00, made a week before."""
        start = local_day_at(2, 12)
        booking = book(people, start=start)
        Booking.objects.filter(pk=booking.pk).update(created_at=start - dt.timedelta(days=7))
        return Booking.objects.get(pk=booking.pk)

    def test_due_the_day_before_at_the_configured_time_and_only_once(self, people, settings, sent):
        settings.REMINDER_TIME = dt.time(18)
        self.make(people)
        moment = local_day_at(1, 18)
        mail.outbox.clear()
        assert sent(lambda: notify.send_reminders(now=moment - dt.timedelta(minutes=1))) == 0
        assert sent(lambda: notify.send_reminders(now=moment)) == 1
        assert sent(lambda: notify.send_reminders(now=moment + dt.timedelta(minutes=5))) == 0
        (message,) = mail.outbox
        assert message.subject.startswith("Påminnelse: Aulaen")

    def test_a_phone_on_the_profile_also_gets_an_sms(self, people, settings, sent, capsys):
        Profile.objects.create(user=people.alice, phone="+47 400 00 001")
        self.make(people)
        settings.REMINDER_TIME = dt.time(0)
        assert sent(lambda: notify.send_reminders(now=local_day_at(1, 0))) == 2
        assert "SMS to +47 400 00 001:\nLokale: Påminnelse om Aulaen" in capsys.readouterr().out
        assert Message.objects.get(channel="sms").status == "sent"

    def test_none_for_a_booking_made_after_the_reminder_time(self, people, settings, sent):
        settings.REMINDER_TIME = dt.time(0)  # tomorrow's bookings were due a reminder at 00:00
        book(people, start=local_day_at(1, 12))  # made now, after that moment
        assert notify.send_reminders(now=dt.datetime.now(UTC)) == 0

    def test_a_moved_booking_is_reminded_of_its_new_time(self, people, settings, sent):
        settings.REMINDER_TIME = dt.time(0)
        booking = self.make(people)
        now = local_day_at(1, 0) + dt.timedelta(minutes=1)
        assert notify.send_reminders(now=now) == 1
        services.booking_update(
            booking=booking, by=people.alice,
            start=booking.start + dt.timedelta(hours=1), end=booking.end + dt.timedelta(hours=1),
        )  # fmt: skip
        assert notify.send_reminders(now=now) == 1
        assert Message.objects.filter(template="booking_reminder").count() == 2


class TestCaretakerDigest:
    def today_at(self, hour, minute=0):
        return dt.datetime.combine(dt.datetime.now(OSLO).date(), dt.time(hour, minute), tzinfo=OSLO)

    def test_at_six_each_caretaker_gets_today_once_with_contact_and_setup(
        self, people, sent, settings
    ):
        Profile.objects.create(user=people.alice, phone="+47 400 00 001")
        other = UserFactory(username="kari")
        people.room.site.caretakers.add(other)
        today = dt.datetime.now(OSLO).date()
        start = dt.datetime.combine(today, dt.time(23), tzinfo=OSLO)
        booking = Booking.objects.create(
            room=people.room, organisation=people.org_a, booked_by=people.alice, start=start,
            end=start + dt.timedelta(minutes=30), title="Styremøte", attendees=8,
            notes="Bord i hestesko", status=Booking.Status.CONFIRMED,
        )  # fmt: skip
        assert notify.send_caretaker_digests(now=self.today_at(5, 59)) == 0
        assert sent(lambda: notify.send_caretaker_digests(now=self.today_at(6))) == 2
        assert sent(lambda: notify.send_caretaker_digests(now=self.today_at(6, 5))) == 0
        assert sorted(m.to[0] for m in mail.outbox) == sorted([people.carl.email, other.email])
        body = mail.outbox[0].body
        assert mail.outbox[0].subject.startswith("Dagens bookinger")
        assert "23:00–23:30 Aulaen: Ås Sjakklubb, 8 deltakere (bekreftet)" in body
        assert "+47 400 00 001" in body and "Oppsett: Bord i hestesko" in body
        assert booking.title not in body  # the caretaker needs who and how, not what

    def test_not_after_noon_and_not_without_bookings(self, people):
        assert notify.send_caretaker_digests(now=self.today_at(12)) == 0
        assert notify.send_caretaker_digests(now=self.today_at(7)) == 0


def test_one_booker_two_organisations_two_contact_addresses_two_messages(people, sent):
    from booking.models import Membership, Organisation

    people.org_a.contact_email, people.org_b.contact_email = "a@example.org", "b@example.org"
    Organisation.objects.bulk_update([people.org_a, people.org_b], ["contact_email"])
    Membership.objects.create(user=people.olga, organisation=people.org_a)
    Membership.objects.create(user=people.olga, organisation=people.org_b)
    people.olga.email = ""
    people.olga.save()
    tuesday = next_weekday_at(1, 18)
    for org, hour in ((people.org_a, 18), (people.org_b, 20)):
        services.booking_create(room=people.room, organisation=org, by=people.olga,
                                start=tuesday.replace(hour=hour),
                                end=tuesday.replace(hour=hour + 1), title="Møte",
                                attendees=5)  # fmt: skip
    mail.outbox.clear()
    sent(lambda: closure_create(site=people.room.site, start=tuesday - dt.timedelta(hours=1),
                                end=tuesday + dt.timedelta(hours=4), reason="Flom",
                                by=people.olga))  # fmt: skip
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
