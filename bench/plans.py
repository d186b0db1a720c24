"""The shape of the seeded data, and the requests the load sends that fit it.

Every room has the same bookings: a two-hour morning block every day and a two-hour
evening block two days in three. So the load knows which times are free without asking:
11:00–16:00 and 20:00–23:00 always are. Standard library only.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
SITES = 10
ROOMS = 200
DAYS = 300
ORGANISATIONS = 20
OPENS, CLOSES = dt.time(7), dt.time(23)
FREE_HOURS = (12, 13, 14, 15, 20, 21, 22)  # one-hour slots nobody holds after seeding
CONTESTED_HOUR = 11  # free too; the load sends each such slot from two clients at once
KINDS = ("school", "innbyggertorg", "culture_house")


def morning_hour(room_index: int) -> int:
    """The start of the room's daily two-hour morning booking (07, 08 or 09)."""
    return 7 + room_index % 3


def seeded_blocks(room_index: int, day_index: int):
    """(start hour, end hour) of the seeded bookings: 300 + 200 = 500 per room."""
    morning = morning_hour(room_index)
    yield morning, morning + 2
    if day_index % 3:
        evening = 16 + room_index % 3
        yield evening, evening + 2


def week_paths(seeded, rng: random.Random, count: int) -> list[str]:
    paths = []
    for _ in range(count):
        first = seeded.first_day + dt.timedelta(days=rng.randrange(seeded.days - 7))
        room = rng.choice(seeded.room_ids)
        last = first + dt.timedelta(days=6)
        paths.append(f"/api/v1/rooms/{room}/availability/?from={first}&to={last}")
    return paths


def _slots(seeded, rooms: list[tuple[int, int]], hours):
    """One-hour slots (room id, local start) day by day from the second seeded day on."""
    for day_index in range(1, seeded.days):
        day = seeded.first_day + dt.timedelta(days=day_index)
        for room_index, room_id in rooms:
            for hour in hours(room_index):
                yield room_id, dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


def booking_payload(seeded, client: int, slot, title: str) -> dict:
    room_id, start = slot
    return {
        "room": room_id,
        "organisation": seeded.organisation_ids[client],
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=1)).isoformat(),
        "title": title,
        "attendees": 10,
    }


def creation_plans(seeded, clients: int, per_client: int, warmup: int = 10):
    """Per client: its token, warm-up payloads and the measured payloads, plus what to expect.

    Each client books free slots in its own rooms; one request in 20 hits a seeded booking
    (409) and one in 20 is a free slot that the other client of its pair sends at the same
    point in its run (one 201, one 409, whichever wins the race).
    """
    if clients % 2 or clients > len(seeded.tokens):
        raise SystemExit(f"--clients must be even and at most {len(seeded.tokens)}")
    rooms = list(enumerate(seeded.room_ids))
    plans, expected = [], {201: 0, 409: 0}
    for client in range(clients):
        mine = rooms[client::clients]
        fresh = _slots(seeded, mine, lambda i: FREE_HOURS)
        taken = _slots(seeded, mine, lambda i: (morning_hour(i),))
        contested = _slots(
            seeded, rooms[client - client % 2 :: clients], lambda i: [CONTESTED_HOUR]
        )
        warm = [booking_payload(seeded, client, next(fresh), "Load warm-up") for _ in range(warmup)]
        work = []
        for n in range(per_client):
            if n % 20 == 7:
                slot, expected[409] = next(taken), expected[409] + 1
            elif n % 20 == 13:
                slot = next(contested)
                expected[201 if client % 2 else 409] += 1
            else:
                slot, expected[201] = next(fresh), expected[201] + 1
            work.append(booking_payload(seeded, client, slot, f"Load {client}-{n}"))
        plans.append((seeded.tokens[client], warm, work))
    return plans, expected
