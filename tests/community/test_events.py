"""Event services and selectors: who may, what is refused (naming the field, saving
nothing), the clash hint, and hiding with the reason sent to the organiser."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from booking.models import Booking
from community import events as services
from community.models import Event
from community.selectors import event_clashes, public_events
from notifications.models import Message
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, RoomFactory


@pytest.fixture
def scene(people):
    """A public booking of Ås Sjakklubb (alice's) next Wednesday 18–21."""
    start = next_weekday_at(2, 18)
    booking = BookingFactory(room=people.room, organisation=people.org_a, booked_by=people.alice,
                             start=start, end=start + dt.timedelta(hours=3), public=True,
                             title="Sjakkturnering")  # fmt: skip
    return people, booking, start


def make(org, by, start, hours=2, *, age_groups=("youth",), title="Arrangement", **extra):
    extra.setdefault("place", "Torget")
    return services.event_create(
        organisation=org, by=by, title=title, start=start,
        end=start + dt.timedelta(hours=hours), category="culture", age_groups=list(age_groups),
        **extra,
    )  # fmt: skip


def test_an_event_at_a_booking_takes_its_times_and_site(scene):
    people, booking, _start = scene
    event = services.event_create(organisation=people.org_a, by=people.alice,
                                  title="Åpen sjakkturnering", description="", booking=booking,
                                  category="recreation", age_groups=["all"])  # fmt: skip
    assert (event.start, event.end) == (booking.start, booking.end)
    assert event.site == people.room.site and event.status == Event.Status.PUBLISHED
    assert event.created_by == people.alice and event.sequence == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "x" * 100_000}, "title"),
        ({"title": "  "}, "title"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "ftp://example.org/"}, "link"),
        ({"end_hours": -1}, "end"),
        ({"category": "nope"}, "category"),
        ({"age_groups": []}, "age_groups"),
        ({"age_groups": ["toddlers"]}, "age_groups"),
        ({"place": ""}, "place"),
        ({"description": "a\x00b"}, "description"),
        ({"start": dt.datetime(2026, 3, 29, 2, 30)}, "start"),  # naive: refused
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(scene, changes, field):
    people, _booking, start = scene
    values = {"organisation": people.org_a, "by": people.alice, "title": "Konsert",
              "description": "", "start": start, "end": start + dt.timedelta(hours=2),
              "place": "Torget", "category": "culture", "age_groups": ["youth"]}  # fmt: skip
    if "end_hours" in changes:
        values["end"] = start + dt.timedelta(hours=changes.pop("end_hours"))
    values |= changes
    with pytest.raises(ValidationError) as refused:
        services.event_create(**values)
    assert field in refused.value.message_dict
    assert not Event.objects.exists()


def test_only_the_organisations_own_active_booking_may_be_used(scene):
    people, booking, start = scene
    others = BookingFactory(room=RoomFactory(), organisation=people.org_b, start=start,
                            end=start + dt.timedelta(hours=1))  # fmt: skip
    cancelled = BookingFactory(room=RoomFactory(), organisation=people.org_a,
                               status=Booking.Status.CANCELLED)  # fmt: skip
    for wrong in (others, cancelled):
        with pytest.raises(ValidationError) as refused:
            services.event_create(
                organisation=people.org_a,
                by=people.alice,
                title="T",
                booking=wrong,
                category="culture",
                age_groups=["all"],
            )
        assert "booking" in refused.value.message_dict
    with pytest.raises(ValidationError) as outside:
        services.event_create(organisation=people.org_a, by=people.alice, title="T",
                              booking=booking, start=booking.start - dt.timedelta(hours=1),
                              end=booking.end, category="culture", age_groups=["all"])  # fmt: skip
    assert "start" in outside.value.message_dict
    assert not Event.objects.exists()


def test_only_members_write_and_only_officers_hide(scene):
    people, _booking, start = scene
    with pytest.raises(PermissionDenied):
        make(people.org_a, people.bob, start)
    event = make(people.org_a, people.alice, start)
    with pytest.raises(PermissionDenied):
        services.event_update(event=event, by=people.bob, title="Kapret")
    with pytest.raises(PermissionDenied):
        services.event_delete(event=event, by=people.olga)
    with pytest.raises(PermissionDenied):
        services.event_hide(event=event, by=people.alice, reason="Egen")
    assert Event.objects.get().title == "Arrangement"


def test_a_change_writes_only_what_changed_and_bumps_the_sequence(scene):
    people, _booking, start = scene
    event = make(people.org_a, people.alice, start)
    same = services.event_update(event=event, by=people.alice, title="Arrangement")
    assert same.sequence == 0
    changed = services.event_update(event=event, by=people.alice, title="Vårkonsert",
                                    end=start + dt.timedelta(hours=3))  # fmt: skip
    assert (changed.title, changed.sequence, changed.end) == (
        "Vårkonsert", 1, start + dt.timedelta(hours=3))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.event_update(event=event, by=people.alice, end=start - dt.timedelta(hours=1))
    assert "end" in refused.value.message_dict
    assert Event.objects.get().sequence == 1


def test_the_clash_hint_lists_exactly_the_overlapping_published_events_for_the_same_audience(
    scene,
):
    people, _booking, start = scene
    mine = make(people.org_a, people.alice, start, age_groups=["youth"], title="Mitt")
    same_group = make(people.org_b, people.bob, start + dt.timedelta(hours=1),
                      age_groups=["children", "youth"], title="Ungdomskonsert")  # fmt: skip
    for_all = make(people.org_b, people.bob, start - dt.timedelta(hours=1), age_groups=["all"],
                   title="Familiedag")  # fmt: skip
    make(people.org_b, people.bob, start, age_groups=["seniors"], title="Seniortreff")
    make(
        people.org_b,
        people.bob,
        start + dt.timedelta(hours=2),
        age_groups=["youth"],
        title="Etterpå",
    )  # fmt: skip: starts when mine ends
    make(
        people.org_b, people.bob, start - dt.timedelta(hours=2), age_groups=["youth"], title="Før"
    )  # fmt: skip: ends when mine starts
    hidden = make(people.org_b, people.bob, start, age_groups=["youth"], title="Skjult")
    services.event_hide(event=hidden, by=people.olga, reason="Feil")
    assert [e.title for e in event_clashes(mine)] == ["Familiedag", "Ungdomskonsert"]
    # An event for all ages shares with every group.
    everyone = make(people.org_a, people.alice, start, age_groups=["all"], title="Alle")
    assert {e.title for e in event_clashes(everyone)} == {
        "Mitt", "Ungdomskonsert", "Familiedag", "Seniortreff"}  # fmt: skip
    # Familiedag (17–19) meets Mitt (18–20) but not Ungdomskonsert (19–21).
    assert [e.title for e in event_clashes(for_all)] == ["Før", "Mitt", "Seniortreff", "Alle"]
    assert same_group not in event_clashes(for_all)


def test_public_events_filter_and_never_hold_hidden_ones(scene):
    people, booking, start = scene
    at_booking = services.event_create(organisation=people.org_a, by=people.alice, title="A",
                                       booking=booking, category="sports",
                                       age_groups=["children"])  # fmt: skip
    elsewhere = make(people.org_b, people.bob, start, age_groups=["all"], title="B")
    hidden = make(people.org_b, people.bob, start, title="C")
    services.event_hide(event=hidden, by=people.olga, reason="Feil")
    week = (start - dt.timedelta(days=3), start + dt.timedelta(days=3))
    assert list(public_events(*week)) == [at_booking, elsewhere]
    assert list(public_events(*week, site=people.room.site)) == [at_booking]
    assert list(public_events(*week, category="sports")) == [at_booking]
    assert list(public_events(*week, age_group="seniors")) == [elsewhere]
    assert list(public_events(*week, age_group="children")) == [at_booking, elsewhere]


def test_hiding_sends_the_organiser_the_reason_once_committed(
    scene, django_capture_on_commit_callbacks
):
    people, _booking, start = scene
    event = make(people.org_a, people.alice, start, title="Basar")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_hide(event=event, by=people.olga, reason="Reklame for kommersiell drift")
    row = Message.objects.get(template="event_hidden")
    assert row.recipient == people.alice.email
    (letter,) = mail.outbox
    assert letter.to == [people.alice.email]
    assert "Basar" in letter.subject
    assert "Reklame for kommersiell drift" in letter.body and f"/events/{event.pk}/" in letter.body
    with pytest.raises(ValidationError) as refused:
        services.event_hide(event=event, by=people.olga, reason="   ")
    assert "reason" in refused.value.message_dict
    shown = services.event_unhide(event=event, by=people.olga)
    assert shown.status == Event.Status.PUBLISHED and shown.hidden_reason == ""


def test_an_image_is_checked_and_stored_without_metadata(scene):
    from django.core.files.storage import default_storage
    from PIL import Image

    from tests.photos import image_bytes, upload

    people, _booking, start = scene
    with pytest.raises(ValidationError) as refused:
        make(people.org_a, people.alice, start, image=upload(b"not an image"), image_alt="x")
    assert "image" in refused.value.message_dict
    with pytest.raises(ValidationError) as no_alt:
        make(people.org_a, people.alice, start, image=upload())
    assert "image_alt" in no_alt.value.message_dict
    assert not Event.objects.exists()
    event = make(people.org_a, people.alice, start, image_alt="Plakaten",
                 image=upload(image_bytes(size=(1200, 900), gps=True)))  # fmt: skip
    assert (event.image_width, event.image_height) == (1200, 900)
    with default_storage.open(event.image.name) as stored:
        assert not Image.open(stored).getexif()
    with default_storage.open(event.image_thumbnail.name) as thumb:
        assert Image.open(thumb).width == 480


def test_moving_an_event_to_another_booking_takes_that_bookings_times(scene):
    people, booking, start = scene
    later = BookingFactory(room=people.room, organisation=people.org_a, booked_by=people.alice,
                           start=start + dt.timedelta(days=1),
                           end=start + dt.timedelta(days=1, hours=2))  # fmt: skip
    event = services.event_create(organisation=people.org_a, by=people.alice, title="Sjakk",
                                  booking=booking, category="recreation",
                                  age_groups=["all"])  # fmt: skip
    moved = services.event_update(event=event, by=people.alice, booking=later)
    assert (moved.start, moved.end, moved.sequence) == (later.start, later.end, 1)
    with pytest.raises(ValidationError) as refused:
        services.event_update(event=event, by=people.alice, booking=None)
    assert "place" in refused.value.message_dict
    free = services.event_update(event=event, by=people.alice, booking=None, place="Torget")
    assert (free.booking, free.site, free.place, free.start) == (None, None, "Torget", later.start)
