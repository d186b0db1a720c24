"""Seed the benchmark database: 200 rooms on 10 sites and 100,000 bookings over 300 days.

The shape of the data is in plans.py. Needs Django set up.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from plans import CLOSES, DAYS, KINDS, OPENS, ORGANISATIONS, ROOMS, SITES, seeded_blocks
from rest_framework.authtoken.models import Token

from booking.models import Booking, Membership, OpeningHours, Organisation, Room, Site
from booking.timeutil import OSLO, wall_time


@dataclass
class Seeded:
    room_ids: list[int]
    organisation_ids: list[int]  # organisation_ids[i] is the one users[i] belongs to
    tokens: list[str]  # tokens[i] is users[i]'s API token
    first_day: dt.date
    days: int
    bookings: int


def seed(*, rng: random.Random) -> Seeded:
    """Create sites, rooms, opening hours, organisations with one member each (both with
    email addresses), and bookings."""
    User = get_user_model()
    first_day = dt.datetime.now(OSLO).date() + dt.timedelta(days=1)
    with transaction.atomic():
        sites = Site.objects.bulk_create(
            Site(name=f"Bench site {i:02d}", kind=KINDS[i % len(KINDS)]) for i in range(SITES)
        )
        rooms = Room.objects.bulk_create(
            Room(
                site=sites[i % SITES],
                name=f"Rom {i:03d}",
                capacity=50,
                min_booking_minutes=30,
                max_booking_minutes=480,
                slot_step_minutes=30,
                booking_horizon_days=400,
                min_notice_minutes=60,
            )
            for i in range(ROOMS)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(room=room, weekday=weekday, opens=OPENS, closes=CLOSES)
            for room in rooms
            for weekday in range(7)
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench lag {i:02d}",
                category=Organisation.Category.VOLUNTARY,
                voluntary_verified=True,
                contact_email=f"lag{i:02d}@bench.example",
            )
            for i in range(ORGANISATIONS)
        )
        users = User.objects.bulk_create(
            # An address each, as every real member has: each booking then writes its outbox
            # row and publishes it after commit, as in production.
            User(
                username=f"bench{i:02d}", email=f"bench{i:02d}@bench.example", password="!unusable"
            )
            for i in range(ORGANISATIONS)
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=org, role=Membership.Role.MEMBER)
            for user, org in zip(users, organisations, strict=True)
        )
        tokens = Token.objects.bulk_create(
            Token(key=Token.generate_key(), user=user) for user in users
        )

    batch = []
    count = 0
    for day_index in range(DAYS):
        day = first_day + dt.timedelta(days=day_index)
        for room_index, room in enumerate(rooms):
            for start_hour, end_hour in seeded_blocks(room_index, day_index):
                who = rng.randrange(ORGANISATIONS)
                batch.append(
                    Booking(
                        room=room,
                        organisation=organisations[who],
                        booked_by=users[who],
                        start=wall_time(day, dt.time(start_hour)),
                        end=wall_time(day, dt.time(end_hour)),
                        title=f"Øving {count}",
                        attendees=rng.randint(5, 50),
                        public=rng.random() < 0.3,
                        status=Booking.Status.CONFIRMED,
                    )
                )
                count += 1
        if len(batch) >= 5000:
            Booking.objects.bulk_create(batch)
            batch.clear()
    Booking.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Seeded(
        room_ids=[room.pk for room in rooms],
        organisation_ids=[org.pk for org in organisations],
        tokens=[token.key for token in tokens],
        first_day=first_day,
        days=DAYS,
        bookings=count,
    )
