"""The room week page: a time grid for wide screens, the day list for phones, holidays."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client

from booking.models import Closure
from booking.timeutil import OSLO
from tests.booking.test_pages import PAGE_QUERY_BUDGET, get
from tests.factories import BookingFactory, RoomFactory

pytestmark = pytest.mark.django_db

EASTER_WEEK = dt.date(2027, 3, 22)  # Monday; Maundy Thursday is the 25th


@pytest.fixture
def room():
    return RoomFactory(hours=[(d, dt.time(8), dt.time(22)) for d in range(7)])


def block(html: str, text: str) -> str:
    """The class attribute of the grid block that shows ``text``."""
    match = re.search(r'<div class="(b [^"]+)">[^<]*' + re.escape(text), html)
    assert match, text
    return match.group(1)


def test_busy_time_and_closures_are_placed_in_the_grid_by_the_clock(people, room):
    BookingFactory(
        room=room,
        start=dt.datetime(2027, 3, 23, 18, tzinfo=OSLO),
        end=dt.datetime(2027, 3, 23, 20, 30, tzinfo=OSLO),
        title="Korpsøvelse",
        public=True,
    )
    Closure.objects.create(
        room=room,
        start=dt.datetime(2027, 3, 27, 9, tzinfo=OSLO),
        end=dt.datetime(2027, 3, 27, 10, 15, tzinfo=OSLO),
        reason="Vask",
    )
    response, queries = get(None, f"/rooms/{room.pk}/?week={EASTER_WEEK}")
    html = response.content.decode()
    assert queries <= PAGE_QUERY_BUDGET
    # The grid starts at 08:00 (the earliest opening): 18:00 is 40 quarters later, below
    # the heading row; Tuesday is the third column, after the hours.
    assert block(html, "18:00–20:30 Korpsøvelse") == "b busy c-3 rs-42 re-52"
    assert block(html, "09:00–10:15 Stengt") == "b closed c-7 rs-6 re-11"
    assert html.count('class="hour ') == 14  # 08:00 to 21:00
    assert 'class="days week-list"' in html and "Korpsøvelse" in html


def test_the_week_names_its_public_holidays_in_the_list_and_the_grid(room):
    html = Client().get(f"/rooms/{room.pk}/?week=2027-03-25").content.decode()
    assert html.count("Skjærtorsdag") == 2 and html.count("Langfredag") == 2
    assert "Helligdag: Skjærtorsdag" in html
    assert 'class="col c-5 is-holiday"' in html  # Thursday's column
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english.get(f"/rooms/{room.pk}/?week={EASTER_WEEK}")
    assert "Maundy Thursday" in english.content.decode()


def test_a_date_picker_jumps_to_the_week_and_the_calendar_feed_is_linked(room):
    html = Client().get(f"/rooms/{room.pk}/?week=2027-03-25").content.decode()
    assert 'type="date" id="week-date" name="week" value="2027-03-22"' in html
    assert f'href="/calendar/rooms/{room.pk}.ics"' in html
    grid = 'class="week-grid-wrap" role="region" aria-labelledby="week-heading" tabindex="0"'
    assert grid in html


def test_a_room_open_around_the_clock_shows_all_24_hours():
    room = RoomFactory()
    html = Client().get(f"/rooms/{room.pk}/?week={EASTER_WEEK}").content.decode()
    assert html.count('class="hour ') == 24
    assert 'class="open c-2 rs-2 re-98"' in html
