"""Closures: an officer closes a site or a room, sees the bookings it hits, and saving it
cancels exactly those, with the reason recorded on each."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from booking.closures import (
    CANCEL_REASON,
    PreviewOutdated,
    closure_create,
    closure_fingerprint,
    closure_hits,
    closure_update,
)
from booking.models import Booking, Closure
from booking.services import booking_create
from booking.timeutil import OSLO
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, RoomFactory

pytestmark = pytest.mark.django_db

CLOSURES = "/api/v1/closures/"
BOOKINGS = "/api/v1/bookings/"
REASON = "Vannlekkasje i gymsalen"


@pytest.fixture
def season(people):
    """people, plus org A's five weekly bookings in people.room, Tuesdays 18–20 local."""
    first = next_weekday_at(1, 18)
    weekly = [
        booking_create(
            room=people.room,
            organisation=people.org_a,
            by=people.alice,
            start=first + dt.timedelta(weeks=week),
            end=first + dt.timedelta(weeks=week, hours=2),
            title="Sjakktrening",
            attendees=12,
        )
        for week in range(5)
    ]
    return SimpleNamespace(**vars(people), weekly=weekly)


def over_weeks_2_to_4(s) -> dict:
    """A room closure from the end of week 1's booking to the start of week 5's: it hits
    weeks 2–4 and only touches the other two (the end is exclusive)."""
    return {
        "room": s.room.pk,
        "start": s.weekly[0].end.astimezone(OSLO).isoformat(),
        "end": s.weekly[4].start.astimezone(OSLO).isoformat(),
        "reason": REASON,
    }


def statuses(bookings) -> list[str]:
    return [Booking.objects.get(pk=b.pk).status for b in bookings]


def test_a_closure_over_three_weekly_bookings_cancels_exactly_those_three(season, client_for):
    response = client_for(season.olga).post(CLOSURES, over_weeks_2_to_4(season), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    closure = Closure.objects.get()
    assert (closure.room, closure.site, closure.reason) == (season.room, None, REASON)
    assert body["closure"]["id"] == closure.pk
    hit = season.weekly[1:4]
    assert [b["id"] for b in body["cancelled"]] == [b.pk for b in hit]
    assert {b["status"] for b in body["cancelled"]} == {"cancelled"}
    for booking in hit:
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
        assert booking.cancel_reason == CANCEL_REASON.format(reason=REASON)
        assert booking.cancel_reason == f"Stengt: {REASON}"
        assert booking.cancelled_by == season.olga
        assert booking.cancelled_at is not None
    untouched = [season.weekly[0], season.weekly[4]]
    assert statuses(untouched) == ["confirmed", "confirmed"]
    assert all(Booking.objects.get(pk=b.pk).cancel_reason == "" for b in untouched)


def test_the_preview_lists_the_same_three_and_saves_nothing(season, client_for):
    olga = client_for(season.olga)
    response = olga.post(CLOSURES, {**over_weeks_2_to_4(season), "preview": True}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 3
    assert [h["id"] for h in body["hits"]] == [b.pk for b in season.weekly[1:4]]
    first = body["hits"][0]
    assert first["organisation"] == "Ås Sjakklubb"
    assert first["title"] == "Sjakktrening"
    assert first["status"] == "confirmed"
    assert first["start"] == season.weekly[1].start.astimezone(OSLO).isoformat()
    assert not Closure.objects.exists()
    assert statuses(season.weekly) == ["confirmed"] * 5

    saved = olga.post(CLOSURES, over_weeks_2_to_4(season), format="json").json()
    assert [b["id"] for b in saved["cancelled"]] == [h["id"] for h in body["hits"]]


def test_after_the_closure_the_closed_time_cannot_be_booked(season, client_for):
    closing = client_for(season.olga).post(CLOSURES, over_weeks_2_to_4(season), format="json")
    assert closing.status_code == 201
    freed = season.weekly[2]
    response = client_for(season.alice).post(
        BOOKINGS,
        {
            "room": season.room.pk,
            "organisation": season.org_a.pk,
            "start": freed.start.astimezone(OSLO).isoformat(),
            "end": freed.end.astimezone(OSLO).isoformat(),
            "title": "Sjakktrening",
            "attendees": 12,
        },
        format="json",
    )

    assert response.status_code == 400
    assert REASON in response.json()["start"][0]
    assert Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES).count() == 2


def test_a_site_closure_hits_every_room_of_the_site_and_no_other_site(people, client_for):
    start = next_weekday_at(3, 17)
    gym = RoomFactory(site=people.room.site, name="Gymsal")
    elsewhere = RoomFactory(name="Annen skole")
    here, next_door, other_site = (
        booking_create(
            room=room,
            organisation=people.org_b,
            by=people.bob,
            start=start,
            end=start + dt.timedelta(hours=1),
            title="Korpsøvelse",
            attendees=20,
        )
        for room in (people.room, gym, elsewhere)
    )
    body = {
        "site": people.room.site.pk,
        "start": (start - dt.timedelta(hours=1)).isoformat(),
        "end": (start + dt.timedelta(hours=3)).isoformat(),
        "reason": "Strømbrudd",
    }

    preview = client_for(people.olga).post(CLOSURES, {**body, "preview": True}, format="json")
    assert sorted(h["id"] for h in preview.json()["hits"]) == sorted([here.pk, next_door.pk])
    response = client_for(people.olga).post(CLOSURES, body, format="json")

    assert response.status_code == 201
    assert Closure.objects.get().site == people.room.site
    assert statuses([here, next_door, other_site]) == ["cancelled", "cancelled", "confirmed"]


def test_cancelled_and_rejected_bookings_are_not_hits_pending_ones_are(people, client_for):
    start = next_weekday_at(2, 10)
    kwargs = {"room": people.room, "start": start, "end": start + dt.timedelta(hours=2)}
    cancelled = BookingFactory(
        **kwargs, status=Booking.Status.CANCELLED, cancel_reason="Avlyst av laget"
    )
    rejected = BookingFactory(**kwargs, status=Booking.Status.REJECTED)
    pending = BookingFactory(**kwargs, status=Booking.Status.PENDING)
    window = {"start": start - dt.timedelta(days=1), "end": start + dt.timedelta(days=1)}

    assert list(closure_hits(room=people.room, **window)) == [pending]
    closure, done = closure_create(room=people.room, reason=REASON, by=people.olga, **window)

    assert Closure.objects.get() == closure
    assert [b.pk for b in done] == [pending.pk]
    assert statuses([cancelled, rejected, pending]) == ["cancelled", "rejected", "cancelled"]
    cancelled.refresh_from_db()
    rejected.refresh_from_db()
    assert cancelled.cancel_reason == "Avlyst av laget"
    assert rejected.cancel_reason == ""
    assert rejected.cancelled_by is None


def test_a_closure_with_no_hits_is_saved_and_cancels_nothing(season, client_for):
    later = season.weekly[4].end + dt.timedelta(days=1)
    response = client_for(season.olga).post(
        CLOSURES,
        {
            "room": season.room.pk,
            "start": later.isoformat(),
            "end": (later + dt.timedelta(days=2)).isoformat(),
            "reason": REASON,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["cancelled"] == []
    assert Closure.objects.count() == 1
    assert statuses(season.weekly) == ["confirmed"] * 5


@pytest.mark.parametrize(
    ("who", "expected"), [("alice", 403), ("bob", 403), ("carl", 403), ("anon", 401)]
)
@pytest.mark.parametrize("preview", [False, True])
def test_only_officers_close_and_nothing_changes_otherwise(
    season, client_for, who, expected, preview
):
    body = {**over_weeks_2_to_4(season), "preview": preview}
    response = client_for(getattr(season, who)).post(CLOSURES, body, format="json")

    assert response.status_code == expected
    assert "hits" not in response.json()
    assert not Closure.objects.exists()
    assert statuses(season.weekly) == ["confirmed"] * 5


def test_the_service_refuses_anyone_but_an_officer(season):
    with pytest.raises(PermissionDenied):
        closure_create(
            room=season.room,
            start=season.weekly[1].start,
            end=season.weekly[1].end,
            reason=REASON,
            by=season.alice,
        )
    assert not Closure.objects.exists()
    assert statuses(season.weekly) == ["confirmed"] * 5


def setting(**values):
    def change(body, s):
        body.update(values)
        return body

    return change


def without(key):
    def change(body, s):
        del body[key]
        return body

    return change


def end_before_start(body, s):
    body["start"], body["end"] = body["end"], body["start"]
    return body


def end_equals_start(body, s):
    body["end"] = body["start"]
    return body


def site_and_room(body, s):
    body["site"] = s.room.site_id
    return body


def unknown_room(body, s):
    body["room"] = s.room.pk + 1000
    return body


BAD = [
    pytest.param(site_and_room, {"site", "room"}, id="site-and-room"),
    pytest.param(without("room"), {"site", "room"}, id="neither-site-nor-room"),
    pytest.param(setting(room=None), {"site", "room"}, id="room-null"),
    pytest.param(unknown_room, {"room"}, id="room-unknown"),
    pytest.param(setting(room="abc"), {"room"}, id="room-string"),
    pytest.param(setting(site=10**30), {"site"}, id="site-10e30"),
    pytest.param(end_before_start, {"end"}, id="end-before-start"),
    pytest.param(end_equals_start, {"end"}, id="end-equals-start"),
    pytest.param(without("start"), {"start"}, id="start-missing"),
    pytest.param(setting(start="2027-03-28T02:30"), {"start"}, id="start-dst-gap"),
    pytest.param(setting(end="2027-10-31T02:30"), {"end"}, id="end-dst-ambiguous"),
    pytest.param(setting(start="i morgen"), {"start"}, id="start-not-a-time"),
    pytest.param(setting(reason="x" * 100_000), {"reason"}, id="reason-100k"),
    pytest.param(setting(reason="x" * 201), {"reason"}, id="reason-201"),
    pytest.param(setting(reason="   "), {"reason"}, id="reason-blank"),
    pytest.param(setting(reason=42), {"reason"}, id="reason-number"),
    pytest.param(without("reason"), {"reason"}, id="reason-missing"),
    pytest.param(setting(preview="kanskje"), {"preview"}, id="preview-maybe"),
]


@pytest.mark.parametrize("preview", [False, True])
@pytest.mark.parametrize(("change", "fields"), BAD)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(
    season, client_for, change, fields, preview
):
    body = change({**over_weeks_2_to_4(season), "preview": preview}, season)
    response = client_for(season.olga).post(CLOSURES, body, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) == fields
    assert not Closure.objects.exists()
    assert statuses(season.weekly) == ["confirmed"] * 5


def test_the_service_names_the_field_too(season):
    with pytest.raises(ValidationError) as caught:
        closure_create(
            site=season.room.site,
            room=season.room,
            start=season.weekly[1].end,
            end=season.weekly[1].start,
            reason="",
            by=season.olga,
        )
    assert set(caught.value.message_dict) == {"site", "room", "end", "reason"}
    assert not Closure.objects.exists()


@pytest.fixture
def admin_olga(people, client):
    people.olga.is_staff = True
    people.olga.save()
    people.olga.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_closure", "change_closure", "view_closure"])
    )
    client.force_login(people.olga)
    return client


def admin_form(s, start: dt.datetime, end: dt.datetime, **extra) -> dict:
    start, end = start.astimezone(OSLO), end.astimezone(OSLO)
    return {
        "site": "",
        "room": s.room.pk,
        "start_0": start.date().isoformat(),
        "start_1": start.strftime("%H:%M:%S"),
        "end_0": end.date().isoformat(),
        "end_1": end.strftime("%H:%M:%S"),
        "reason": REASON,
        **extra,
    }


def test_a_new_closure_in_the_admin_cancels_its_hits_and_says_how_many(season, admin_olga):
    form = admin_form(season, season.weekly[0].end, season.weekly[4].start)
    response = admin_olga.post("/admin/booking/closure/add/", form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    closure = Closure.objects.get()
    assert (closure.start, closure.end) == (season.weekly[0].end, season.weekly[4].start)
    assert statuses(season.weekly) == ["confirmed"] + ["cancelled"] * 3 + ["confirmed"]
    warnings = [m for m in get_messages(response.wsgi_request) if m.level == messages.WARNING]
    assert [str(m) for m in warnings] == ["3 bookinger ble avbestilt."]  # bokmål by default

    # Stretching it later over week 5 cancels week 5 too (closures.closure_update).
    form = admin_form(season, season.weekly[0].end, season.weekly[4].end, reason="Ny grunn")
    response = admin_olga.post(f"/admin/booking/closure/{closure.pk}/change/", form)
    assert response.status_code == 302
    closure.refresh_from_db()
    assert (closure.reason, closure.end) == ("Ny grunn", season.weekly[4].end)
    assert statuses(season.weekly) == ["confirmed"] + ["cancelled"] * 4
    week5 = Booking.objects.get(pk=season.weekly[4].pk)
    assert week5.cancel_reason == "Stengt: Ny grunn" and week5.cancelled_by == season.olga
    warnings = [m for m in get_messages(response.wsgi_request) if m.level == messages.WARNING]
    assert [str(m) for m in warnings][-1] == "1 booking ble avbestilt."


def test_a_bad_closure_in_the_admin_names_the_field_and_saves_nothing(season, admin_olga):
    form = admin_form(season, season.weekly[1].end, season.weekly[1].start)
    form["site"] = season.room.site_id
    response = admin_olga.post("/admin/booking/closure/add/", form)

    assert response.status_code == 200
    assert {"site", "room", "end"} <= set(response.context["adminform"].form.errors)
    assert not Closure.objects.exists()
    assert statuses(season.weekly) == ["confirmed"] * 5


def test_only_officers_may_add_closures_in_the_admin(people, client):
    people.carl.is_staff = True
    people.carl.save()
    people.carl.user_permissions.add(*Permission.objects.filter(codename="add_closure"))
    client.force_login(people.carl)
    assert client.get("/admin/booking/closure/add/").status_code == 403


def test_the_openapi_schema_stays_clean_with_the_closures_endpoint(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/closures/" in target.read_text()


def test_only_officers_change_closures_in_the_admin(season, people, client):
    closure, _done = closure_create(
        room=season.room, start=season.weekly[0].end, end=season.weekly[1].end, reason=REASON,
        by=season.olga,
    )  # fmt: skip
    people.carl.is_staff = True
    people.carl.save()
    people.carl.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_closure", "view_closure"])
    )
    client.force_login(people.carl)
    form = admin_form(season, season.weekly[0].end, season.weekly[4].end)
    client.post(f"/admin/booking/closure/{closure.pk}/change/", form)
    closure.refresh_from_db()
    assert closure.end == season.weekly[1].end
    assert statuses(season.weekly) == ["confirmed", "cancelled"] + ["confirmed"] * 3


def test_a_closure_moved_and_stretched_cancels_what_it_now_covers(season):
    closure, done = closure_create(
        room=season.room, start=season.weekly[0].end, end=season.weekly[1].end, reason=REASON,
        by=season.olga,
    )  # fmt: skip
    assert [b.pk for b in done] == [season.weekly[1].pk]

    # Shrunk: nothing cancelled comes back, nothing new is cancelled.
    closure, done = closure_update(
        closure=closure, room=season.room, start=season.weekly[1].start,
        end=season.weekly[1].start + dt.timedelta(hours=1), reason=REASON, by=season.olga,
    )  # fmt: skip
    assert done == []
    assert statuses(season.weekly) == ["confirmed", "cancelled"] + ["confirmed"] * 3

    # Stretched over weeks 3 and 4, and now for the whole site.
    closure, done = closure_update(
        closure=closure, site=season.room.site, start=season.weekly[1].start,
        end=season.weekly[3].end, reason="Maling", by=season.olga,
    )  # fmt: skip
    assert [b.pk for b in done] == [season.weekly[2].pk, season.weekly[3].pk]
    assert {b.cancel_reason for b in done} == {"Stengt: Maling"}
    closure.refresh_from_db()
    assert (closure.site, closure.room, closure.end) == (
        season.room.site,
        None,
        season.weekly[3].end,
    )
    assert statuses(season.weekly) == ["confirmed"] + ["cancelled"] * 3 + ["confirmed"]


def test_closure_update_refuses_non_officers_and_names_bad_fields(season):
    closure, _done = closure_create(
        room=season.room, start=season.weekly[0].end, end=season.weekly[1].end, reason=REASON,
        by=season.olga,
    )  # fmt: skip
    stretched = {"closure": closure, "room": season.room, "start": season.weekly[0].end,
                 "end": season.weekly[4].end, "reason": REASON}  # fmt: skip
    with pytest.raises(PermissionDenied):
        closure_update(**stretched, by=season.alice)
    with pytest.raises(ValidationError) as caught:
        closure_update(**{**stretched, "end": season.weekly[0].end, "reason": ""}, by=season.olga)
    assert set(caught.value.message_dict) == {"end", "reason"}
    closure.refresh_from_db()
    assert closure.end == season.weekly[1].end
    assert statuses(season.weekly) == ["confirmed", "cancelled"] + ["confirmed"] * 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stretched_closure_waits_for_a_booking_being_saved_and_cancels_it(people):
    """A booking writer holds the room's queue while it saves into time the closure is
    about to cover; closure_update waits for it and cancels the booking. Without the
    queue, the closure would commit first and the booking after it, active in closed time."""
    import threading
    import time

    from django.db import connection, transaction

    from booking import services

    if connection.vendor != "postgresql":
        pytest.skip("the room queue is PostgreSQL's advisory lock")
    start = next_weekday_at(3, 18)
    closure, _done = closure_create(
        room=people.room, start=start - dt.timedelta(days=1), end=start, reason=REASON,
        by=people.olga,
    )  # fmt: skip
    saving, saved = threading.Event(), {}

    def writer():
        try:
            with transaction.atomic():
                services.queue_for_room(people.room.pk)
                saved["booking"] = BookingFactory(
                    room=people.room, organisation=people.org_a, booked_by=people.alice,
                    start=start, end=start + dt.timedelta(hours=2),
                )  # fmt: skip
                saving.set()
                time.sleep(0.5)  # the closure is being stretched meanwhile
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert saving.wait(10)
    _closure, done = closure_update(
        closure=closure, room=people.room, start=start - dt.timedelta(days=1),
        end=start + dt.timedelta(days=1), reason=REASON, by=people.olga,
    )  # fmt: skip
    thread.join()
    assert [b.pk for b in done] == [saved["booking"].pk]
    assert Booking.objects.get(pk=saved["booking"].pk).status == Booking.Status.CANCELLED


def web_closure(s, end: dt.datetime, **extra) -> dict:
    start = s.weekly[0].end.astimezone(OSLO)
    end = end.astimezone(OSLO)
    return {
        "site": "", "room": s.room.pk, "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"), "end_date": end.date().isoformat(),
        "end_time": end.strftime("%H:%M"), "reason": REASON, **extra,
    }  # fmt: skip


def test_confirm_cancels_exactly_what_the_preview_showed_or_shows_the_new_preview(season, client):
    client.force_login(season.olga)
    one_week = web_closure(season, season.weekly[1].end)
    preview = client.post("/closures/new/", {**one_week, "action": "preview"})
    assert [b.pk for b in preview.context["hits"]] == [season.weekly[1].pk]
    fingerprint = preview.context["fingerprint"]
    assert f'name="fingerprint" value="{fingerprint}"' in preview.content.decode()

    # The end date is changed after the preview, then «Close and cancel 1 booking» pressed.
    two_weeks = web_closure(season, season.weekly[2].end)
    confirm = client.post(
        "/closures/new/", {**two_weeks, "action": "confirm", "fingerprint": fingerprint}
    )
    assert confirm.status_code == 200
    assert not Closure.objects.exists()
    assert statuses(season.weekly) == ["confirmed"] * 5
    assert [b.pk for b in confirm.context["hits"]] == [b.pk for b in season.weekly[1:3]]
    assert "Close and cancel 2 bookings" in confirm.content.decode() or "2 bookinger" in (
        confirm.content.decode()
    )
    warnings = [str(m) for m in get_messages(confirm.wsgi_request)]
    assert len(warnings) == 1

    # Confirming the new preview cancels those two.
    again = client.post(
        "/closures/new/",
        {**two_weeks, "action": "confirm", "fingerprint": confirm.context["fingerprint"]},
    )
    assert again.status_code == 302
    assert Closure.objects.count() == 1
    assert statuses(season.weekly) == [
        "confirmed",
        "cancelled",
        "cancelled",
        "confirmed",
        "confirmed",
    ]


def test_a_booking_made_between_preview_and_confirm_is_not_cancelled_unseen(season, client):
    client.force_login(season.olga)
    form = web_closure(season, season.weekly[1].end)
    fingerprint = client.post("/closures/new/", {**form, "action": "preview"}).context[
        "fingerprint"
    ]
    newcomer = BookingFactory(
        room=season.room, start=season.weekly[0].end + dt.timedelta(days=2),
        end=season.weekly[0].end + dt.timedelta(days=2, hours=1), status=Booking.Status.PENDING,
    )  # fmt: skip
    confirm = client.post(
        "/closures/new/", {**form, "action": "confirm", "fingerprint": fingerprint}
    )
    assert confirm.status_code == 200 and not Closure.objects.exists()
    assert Booking.objects.get(pk=newcomer.pk).status == Booking.Status.PENDING
    # A confirm without any preview only previews.
    blind = client.post("/closures/new/", {**form, "action": "confirm"})
    assert blind.status_code == 200 and not Closure.objects.exists()


def test_the_service_and_the_api_refuse_a_confirm_whose_preview_is_outdated(season, client_for):
    where = {"room": season.room, "start": season.weekly[0].end, "end": season.weekly[2].end}
    seen = closure_fingerprint(**where, hits=season.weekly[1:2])
    with pytest.raises(PreviewOutdated) as caught:
        closure_create(**where, reason=REASON, by=season.olga, expect=seen)
    assert [b.pk for b in caught.value.hits] == [b.pk for b in season.weekly[1:3]]
    assert not Closure.objects.exists()

    olga = client_for(season.olga)
    body = {**over_weeks_2_to_4(season)}
    preview = olga.post(CLOSURES, {**body, "preview": True}, format="json").json()
    BookingFactory(room=season.room, start=season.weekly[2].end, end=season.weekly[3].start)
    outdated = olga.post(CLOSURES, {**body, "fingerprint": preview["fingerprint"]}, format="json")
    assert outdated.status_code == 409
    assert len(outdated.json()["conflicts"]) == 4
    assert not Closure.objects.exists()
    fresh = olga.post(CLOSURES, {**body, "preview": True}, format="json").json()
    done = olga.post(CLOSURES, {**body, "fingerprint": fresh["fingerprint"]}, format="json")
    assert done.status_code == 201 and len(done.json()["cancelled"]) == 4
