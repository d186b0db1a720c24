"""Season allocation: a proposal for 300 applications with 1,000 wishes over 60 rooms, and
publishing it as weekly series.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/seasons.py

Runs on bench/run.py's database (`lokale_bench`; made and migrated here if missing, so it
also runs on its own), in-process: the services themselves, without HTTP. Seeds with
bulk_create (12 school sites with 5 gym halls each, open 16–23 on weekdays and 9–21 at
weekends, a winter-break closure at two sites, 48 existing bookings in the season),
then 300 organisations with one application each and 1,000 wishes, most of them for
17:00–21:00 on a weekday, so that they contend. Times ``proposal_run`` (three runs; it
replaces its own proposal) and ``season_publish`` (one transaction, a series per placed
wish, a letter per organisation), then publishes again (must create nothing), checks
that no two active bookings of a room overlap, and removes everything it made.
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import report
import run

ROOT = Path(__file__).resolve().parent.parent
# The project first: this file's name is also the app's, and ``import seasons`` must find
# the app, not this script (whose folder Python put first on the path).
sys.path.insert(0, str(ROOT))
OSLO = ZoneInfo("Europe/Oslo")
PREFIX = "Bench: sesong"
SITES, ROOMS_PER_SITE, APPLICATIONS, WISHES, WEEKS = 12, 5, 300, 1000, 20
PROPOSAL_RUNS = 3
BUDGET_PROPOSAL_S, BUDGET_PUBLISH_S = 2.0, 10.0
HALLS = ["Gymsal A", "Gymsal B", "Flerbrukshallen", "Lillesalen", "Turnsalen"]
ACTIVITIES = ["Håndball", "Fotball", "Basket", "Turn", "Volleyball", "Innebandy", "Dans"]


def ensure_database() -> None:
    """bench/run.py makes `lokale_bench`; run on its own, make it here."""
    _bench_url, admin_url = run.bench_database_urls(os.environ.get("DATABASE_URL", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [run.BENCH_DB]
        ).fetchone():
            conn.execute(f"CREATE DATABASE {run.BENCH_DB}")


def seed(rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from booking.models import (
        Booking,
        Closure,
        Membership,
        OpeningHours,
        Organisation,
        Room,
        Site,
    )
    from booking.roles import OFFICER_GROUP
    from booking.timeutil import local_midnight, wall_time
    from seasons.models import DEFAULT_PRIORITIES, Application, Criterion, Season, Wish

    User = get_user_model()
    today = dt.datetime.now(OSLO).date()
    first = today + dt.timedelta(days=21 + (7 - today.weekday()) % 7)  # a Monday ahead
    last = first + dt.timedelta(weeks=WEEKS, days=-1)
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        officer = User.objects.create(username="bench-season-officer", email="o@example.org")
        officer.groups.add(Group.objects.get_or_create(name=OFFICER_GROUP)[0])
        sites = Site.objects.bulk_create(
            Site(name=f"{PREFIX} skole {i:02d}", kind=Site.Kind.SCHOOL) for i in range(SITES)
        )
        rooms = Room.objects.bulk_create(
            Room(site=site, name=hall, capacity=rng.choice([30, 40, 60, 120]),
                 min_booking_minutes=30, max_booking_minutes=240, slot_step_minutes=30,
                 booking_horizon_days=400, min_notice_minutes=60)
            for site in sites for hall in HALLS
        )  # fmt: skip
        OpeningHours.objects.bulk_create(
            OpeningHours(room=room, weekday=d, opens=dt.time(16), closes=dt.time(23))
            for room in rooms for d in range(5)
        )  # fmt: skip
        OpeningHours.objects.bulk_create(
            OpeningHours(room=room, weekday=d, opens=dt.time(9), closes=dt.time(21))
            for room in rooms for d in (5, 6)
        )  # fmt: skip
        winter_break = first + dt.timedelta(weeks=7)
        Closure.objects.bulk_create(
            Closure(site=site, reason="Vinterferie", start=local_midnight(winter_break),
                    end=local_midnight(winter_break + dt.timedelta(days=7)))
            for site in sites[:2]
        )  # fmt: skip
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"{PREFIX} lag {i:03d}",
                category="commercial" if i % 10 == 9 else "voluntary",
                voluntary_verified=i % 10 < 8,
                contact_email=f"lag{i}@example.org",
            )
            for i in range(APPLICATIONS)
        )
        users = User.objects.bulk_create(
            User(username=f"bench-season-{i:03d}", email=f"lag{i}@example.org",
                 password="!unusable")
            for i in range(APPLICATIONS)
        )  # fmt: skip
        Membership.objects.bulk_create(
            Membership(user=u, organisation=o, role=Membership.Role.ADMIN)
            for u, o in zip(users, organisations, strict=True)
        )
        concerts = []
        for n in range(48):  # existing bookings on season days: concerts, tournaments
            room = rng.choice(rooms)
            day = first + dt.timedelta(days=rng.randrange(WEEKS * 7))
            start = wall_time(day, dt.time(17 + n % 3))
            concerts.append(
                Booking(room=room, organisation=organisations[0], booked_by=officer,
                        start=start, end=start + dt.timedelta(hours=3), title="Arrangement",
                        attendees=20, status=Booking.Status.CONFIRMED)
            )  # fmt: skip
        placed = set()
        Booking.objects.bulk_create(
            b for b in concerts if (b.room_id, b.start) not in placed and not placed.add(
                (b.room_id, b.start))
        )  # fmt: skip
        season = Season.objects.create(
            name=f"{PREFIX}: våren", first_date=first, last_date=last, created_by=officer,
            applications_open=now - dt.timedelta(days=40),
            applications_close=now - dt.timedelta(days=1),
            priorities=[*DEFAULT_PRIORITIES, Criterion.MEMBERS_UNDER_20,
                        Criterion.APPLICATION_TIME],
            tolerance_minutes=60, status=Season.Status.CLOSED,
        )  # fmt: skip
        season.sites.set(sites)
        applications = Application.objects.bulk_create(
            Application(
                season=season, organisation=o, submitted_by=u, contact_name=u.username,
                contact_email=u.email, submitted_at=now - dt.timedelta(minutes=rng.randrange(
                    40 * 24 * 60)),
                members_under_20=rng.choice([None, 15, 40, 120]),
                members_checked_by=officer if rng.random() < 0.5 else None,
            )
            for u, o in zip(users, organisations, strict=True)
        )  # fmt: skip
        counts = [WISHES // APPLICATIONS] * APPLICATIONS
        for _ in range(WISHES - sum(counts)):
            counts[rng.randrange(APPLICATIONS)] += 1
        Wish.objects.bulk_create(
            wish(rng, application, rank, rooms)
            for application, count in zip(applications, counts, strict=True)
            for rank in range(1, count + 1)
        )
    return season, officer, rooms


def wish(rng: random.Random, application, rank: int, rooms):
    """Most wishes are for a weekday evening between 17 and 21, where they contend."""
    from seasons.models import Wish

    home = rooms[application.organisation_id % len(rooms)].site_id
    room = rng.choice([r for r in rooms if r.site_id == home])
    if rng.random() < 0.85:
        weekday = rng.randrange(5)
        start = (
            rng.choice([17, 17.5, 18, 18.5, 19, 19.5, 20])
            if rng.random() < 0.8
            else (rng.choice([16, 16.5, 20.5, 21]))
        )
    else:
        weekday, start = rng.choice([5, 6]), rng.choice(range(10, 18))
    length = rng.choice([1, 1.5, 1.5, 2])
    begins = dt.time(int(start), int(start % 1 * 60))
    ends = dt.time(int(start + length), int((start + length) % 1 * 60))
    return Wish(
        application=application, site_id=home,
        room=room if rng.random() < 0.75 else None, weekday=weekday,
        start_time=begins, end_time=ends, attendees=rng.choice([12, 20, 25, 30]),
        activity=rng.choice(ACTIVITIES), children_and_youth=rng.random() < 0.6, rank=rank,
    )  # fmt: skip


def backend_cpu_s() -> float:
    """CPU seconds this process's PostgreSQL backend has used (same machine, from /proc)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # PostgreSQL on another machine
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def publish_timed(season, officer):
    """season_publish inside an outer transaction, so that its work, the commit and the
    letters sent after the commit (no broker here: in-process) are timed apart; with the
    CPU this process and its PostgreSQL backend used meanwhile."""
    from django.db import transaction

    from seasons.publish import season_publish

    marks = {}
    cpu, backend = time.process_time(), backend_cpu_s()
    began = time.perf_counter()
    with transaction.atomic():
        transaction.on_commit(lambda: marks.setdefault("committed", time.perf_counter()))
        result = season_publish(season=season, by=officer)
        marks["worked"] = time.perf_counter()
    ended = time.perf_counter()
    committed = marks.get("committed", ended)
    return result, {
        "total": ended - began,
        "work": marks["worked"] - began,
        "commit": committed - marks["worked"],
        "letters": ended - committed,
        "cpu": time.process_time() - cpu,
        "backend": backend_cpu_s() - backend,
    }


def cleanup() -> None:
    from django.contrib.auth import get_user_model

    from booking.models import Booking, BookingSeries, Organisation, Room, Site
    from notifications.models import Message
    from seasons.models import Season

    seasons = Season.objects.filter(name__startswith=PREFIX)
    for pk in seasons.values_list("pk", flat=True):
        Message.objects.filter(idempotency_key__startswith=f"season:{pk}:").delete()
    seasons.delete()  # applications, wishes, allocations with it
    rooms = Room.objects.filter(site__name__startswith=PREFIX)
    Booking.objects.filter(room__in=rooms).delete()
    BookingSeries.objects.filter(room__in=rooms).delete()
    rooms.delete()
    Site.objects.filter(name__startswith=PREFIX).delete()
    get_user_model().objects.filter(username__startswith="bench-season-").delete()
    Organisation.objects.filter(name__startswith=PREFIX).delete()


def vacuum() -> None:
    """Rows deleted by earlier runs (17,000 bookings each) cost the next run's inserts and
    reads several seconds of PostgreSQL's CPU until autovacuum comes by; a run after a
    run measures the same as the first only with them gone."""
    from django.db import connection

    tables = ["booking_booking", "booking_bookingseries", "seasons_allocation", "seasons_wish",
              "seasons_application", "notifications_message"]  # fmt: skip
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def machine() -> str:
    from django.db import connection

    with open("/proc/cpuinfo") as cpuinfo:
        models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model")
                  and line.split(":", 1)[0].strip() == "model name"]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    cpu = models[0] if models else "unknown CPU"
    return f"{os.cpu_count()} × {cpu} (nproc {len(os.sched_getaffinity(0))}), PostgreSQL {postgres}"


def main() -> int:
    ensure_database()
    load_before = os.getloadavg()[0]
    run.setup_django_as_production(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", CELERY_BROKER_URL=""
    )
    from django.core.management import call_command
    from django.db import connection

    from booking.models import Booking
    from seasons import services
    from seasons.models import Allocation

    call_command("migrate", verbosity=0)
    cleanup()
    vacuum()
    rng = random.Random(15)
    began = time.perf_counter()
    season, officer, rooms = seed(rng)
    seeded_s = time.perf_counter() - began
    other_bookings = Booking.objects.exclude(room__in=rooms).count()
    try:
        proposal_s = []
        for _ in range(PROPOSAL_RUNS):
            began = time.perf_counter()
            services.proposal_run(season=season, by=officer)
            proposal_s.append(time.perf_counter() - began)
        outcomes = Counter(
            Allocation.objects.filter(wish__application__season=season).values_list(
                "outcome", flat=True
            )
        )
        before = Booking.objects.filter(room__in=rooms).count()
        result, publish = publish_timed(season, officer)
        created = Booking.objects.filter(room__in=rooms).count() - before
        again, again_s = publish_timed(season, officer)
        assert not again.booked and not again.failed and again.letters == 0, again
        assert Booking.objects.filter(room__in=rooms).count() == before + created
        with connection.cursor() as cursor:
            cursor.execute(run.OVERLAPS_SQL)
            overlaps = cursor.fetchone()[0]
        assert overlaps == 0, overlaps
    finally:
        cleanup()
        vacuum()
    first_s, median_s = proposal_s[0], statistics.median(proposal_s)
    placed = outcomes["granted"] + outcomes["moved"]

    def met(value, budget):
        return "yes" if value <= budget else "**no**"

    rows = [
        (f"proposal, {PROPOSAL_RUNS} runs, first / median s", f"{first_s:.2f} / {median_s:.2f}",
         f"≤ {BUDGET_PROPOSAL_S:.0f} s", met(max(first_s, median_s), BUDGET_PROPOSAL_S)),
        ("granted / moved / denied", f"{outcomes['granted']} / {outcomes['moved']} / "
         f"{outcomes['denied']}", f"{WISHES} wishes", ""),
        ("publish, s (the transaction's work / commit / letters sent after it)",
         f"{publish['total']:.2f} ({publish['work']:.2f} / {publish['commit']:.2f} / "
         f"{publish['letters']:.2f})", f"≤ {BUDGET_PUBLISH_S:.0f} s",
         met(publish["total"], BUDGET_PUBLISH_S)),
        ("publish: CPU of this process (Python) / of its PostgreSQL backend, s",
         f"{publish['cpu']:.2f} / {publish['backend']:.2f}", "", ""),
        ("series booked / failed, weekly bookings created", f"{len(result.booked)} / "
         f"{len(result.failed)}, {created}", f"{placed} placed", ""),
        ("decision letters", str(result.letters), f"{APPLICATIONS} organisations", ""),
        ("publishing again: booked / letters, s", f"{len(again.booked)} / {again.letters}, "
         f"{again_s['total']:.2f}", "nothing", ""),
        ("overlapping active bookings afterwards", str(overlaps), "0", met(overlaps, 0)),
        ("seeding (bulk_create, not against a budget), s", f"{seeded_s:.1f}", "", ""),
    ]  # fmt: skip
    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/seasons.py), in-process, DEBUG off, code at {report.code_version()}; "
        f"{SITES * ROOMS_PER_SITE} rooms at {SITES} sites, {APPLICATIONS} applications, "
        f"{WISHES} wishes, a {WEEKS}-week season; {other_bookings:,} other bookings in the "
        f"database; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (the "
        f"machine is shared: above its cores, wall times stretch).\n\nMachine: {machine()}.\n\n"
        "| measure | figure | budget | met |\n| --- | ---: | --- | --- |\n"
        + "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    )
    print(text)
    if result.failed:
        print("failed:", dict(list(result.failed.items())[:5]))
    if "--no-write" not in sys.argv:
        report.write_generated_section("seasons.py", "Season allocation", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
