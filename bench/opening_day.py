"""Season opening at 09:00 (skeleton): every club books at once, many for the same slots.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/opening_day.py

Runs after bench/run.py on its database (`lokale_bench`, or LOKALE_BENCH_DB), against
gunicorn started as bench/run.py starts it. Each of --users client processes (one
member's token each) starts together and repeats what a person does: search free rooms
for an evening (`GET /api/v1/rooms/?free_from=…&free_to=…`), open a room's week
(availability), ask the price (`POST /api/v1/quotes/`) and book it. The slots are drawn
from a small pool of popular ones (--rooms rooms × 2 days × the free hours), so most
attempts collide: exactly one booking per slot may win (201), the rest must be 409.
Prints throughput, p50 / p99 per step and the answers, and fails on any other status or
an overlap. A skeleton of issue 18's season-opening test: its figures are not yet in
BENCHMARKS.md and it is not yet in `make bench`.
"""

import argparse
import datetime as dt
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from types import SimpleNamespace

import load
import plans
import run

STEPS = ("search", "week", "quote", "book")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent client processes")
    parser.add_argument("--rounds", type=int, default=50, help="search-week-quote-book rounds")
    parser.add_argument("--rooms", type=int, default=10, help="rooms the popular slots are in")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--seed", type=int, default=18)
    return parser.parse_args()


def popular_slots(seeded, rooms: int) -> list[tuple[int, dt.datetime]]:
    """Free one-hour slots in the first rooms on the seeded days 2 and 3."""
    return [
        (room_id, dt.datetime.combine(seeded.first_day + dt.timedelta(days=d), dt.time(h),
                                      tzinfo=plans.OSLO))
        for room_id in seeded.room_ids[:rooms]
        for d in (2, 3)
        for h in plans.FREE_HOURS
    ]  # fmt: skip


def _user(port, token, organisation, slots, barrier, results) -> None:
    client = load.Client(port, token)
    timings = {step: [] for step in STEPS}
    answers = Counter()
    barrier.wait()
    began = time.perf_counter()
    for room_id, start in slots:
        end = start + dt.timedelta(hours=1)
        search = (
            f"/api/v1/rooms/?free_from={start.replace(tzinfo=None).isoformat()}"
            f"&free_to={end.replace(tzinfo=None).isoformat()}"
        )
        monday = start.date() - dt.timedelta(days=start.weekday())
        week = f"/api/v1/rooms/{room_id}/availability/?from={monday}"
        week += f"&to={monday + dt.timedelta(days=6)}"
        body = {"room": room_id, "organisation": organisation,
                "start": start.isoformat(), "end": end.isoformat()}  # fmt: skip
        for step, method, path, payload in (
            ("search", "GET", search, None),
            ("week", "GET", week, None),
            ("quote", "POST", "/api/v1/quotes/", body),
            ("book", "POST", "/api/v1/bookings/",
             {**body, "title": "Load opening", "attendees": 10}),
        ):  # fmt: skip
            status, _, seconds = client.call(method, path, payload)
            timings[step].append(seconds)
            answers[f"{step} {status}"] += 1
    results.put((began, time.perf_counter(), timings, dict(answers)))
    client.close()


def main() -> int:
    args = parse_args()
    bench_url, _ = run.bench_database_urls(os.environ.get("DATABASE_URL", ""))
    run.setup_django(bench_url)
    seeded = run.reuse_seeding()
    from booking.models import Booking

    Booking.objects.filter(title="Load opening").delete()
    rng = random.Random(args.seed)
    pool = popular_slots(seeded, args.rooms)
    if args.users > len(seeded.tokens):
        raise SystemExit(f"--users at most {len(seeded.tokens)}")
    run.empty_broker()
    server, port = run.start_gunicorn(bench_url, SimpleNamespace(workers=args.workers, threads=1))
    try:
        ctx = multiprocessing.get_context("spawn")
        barrier, results = ctx.Barrier(args.users), ctx.Queue()
        processes = [
            ctx.Process(
                target=_user,
                args=(
                    port,
                    seeded.tokens[u],
                    seeded.organisation_ids[u],
                    [rng.choice(pool) for _ in range(args.rounds)],
                    barrier,
                    results,
                ),
            )
            for u in range(args.users)
        ]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=600) for _ in processes]
        for process in processes:
            process.join()
    finally:
        run.stop(server)
        run.empty_broker()
    wall = max(o[1] for o in outcomes) - min(o[0] for o in outcomes)
    answers = Counter()
    for outcome in outcomes:
        answers.update(outcome[3])
    print(
        f"{args.users} users × {args.rounds} rounds in {wall:.1f} s: "
        f"{args.users * args.rounds / wall:.1f} rounds/s; load average "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    for step in STEPS:
        lat = [s for o in outcomes for s in o[2][step]]
        print(
            f"{step:7} p50 {load.percentile(lat, 50) * 1000:6.1f} ms  "
            f"p99 {load.percentile(lat, 99) * 1000:6.1f} ms"
        )
    print("answers:", dict(sorted(answers.items())))
    overlaps = run.count_overlaps()
    booked = Booking.objects.filter(title="Load opening").count()
    print(f"booked {booked} of {len(pool)} popular slots; overlapping active bookings: {overlaps}")
    expected = {f"{step} 200" for step in ("search", "week", "quote")} | {"book 201", "book 409"}
    if overlaps or set(answers) - expected or answers["book 201"] != booked:
        print("FAILED: overlaps, or answers other than 200s, 201s and 409s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
