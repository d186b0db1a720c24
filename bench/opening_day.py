"""Season opening at 09:00: every club searches and books at once, many the same rooms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/opening_day.py

`make bench` runs it right after bench/run.py, on that run's database (`lokale_bench`, or
LOKALE_BENCH_DB; the bookings earlier loads made are deleted first), against gunicorn
started as bench/run.py starts it (4 sync workers). --users client processes (default 8,
one member's token and organisation each) send one unmeasured search and week each (the
servers were up before 09:00), then start together; each does --rounds rounds (default
30: 240 rounds, 30–60 s on the 2-core machine), and a round is what one person does:

- 1 round in 4 only looks: search the rooms free for a popular one-hour slot
  (`GET /api/v1/rooms/?free_from=…&free_to=…`), open a room's week
  (`GET /api/v1/rooms/{id}/availability/`) and stop.
- 3 rounds in 4 book: search, open the week of the room chosen, ask the price
  (`POST /api/v1/quotes/`) and book it (`POST /api/v1/bookings/`). A 409 (someone was
  faster) sends the person back to search the same hour again and take a room the new
  answer lists free: up to --tries attempts, each search → week → quote → book.

The hour is drawn from the popular ones (days 2 and 3 of the seeded data × the 7 free
hours). The room is a random one of the first 3 popular rooms (the --rooms rooms that the
search lists first, 10 by default: 140 popular slots) that the answer lists free (people
take what is at the top of the list), or, when none is, a random other room on the
answer's first page. So the popular slots are fought over until they are gone, and then
people take what is left.

Prints and writes into BENCHMARKS.md (between its generated markers; --no-write leaves
the file alone) throughput, p50 / p95 / p99 per step, the answers per step, how the
rounds ended, the popular slots taken, overlaps, CPU shares and the machine. Exits
non-zero on any answer other than 200 to search, week and quote and 201 or 409 to book,
when the 201s are not the bookings made, or on any overlap.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from types import SimpleNamespace

import load
import plans
import report
import run

STEPS = ("search", "week", "quote", "book")
PLANNED = {("search", 200), ("week", 200), ("quote", 200), ("book", 201), ("book", 409)}
TITLE = "Load opening"
FAVOURITES = 3  # a person takes one of the first 3 popular rooms the answer lists free
MIX = (
    "1 round in 4 only looks (search → week), 3 in 4 book (search → week → quote → book; "
    "after a 409 search again and take another free room, up to {tries} attempts)"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent client processes")
    parser.add_argument("--rounds", type=int, default=30, help="rounds each user does")
    parser.add_argument("--rooms", type=int, default=10, help="popular rooms (listed first)")
    parser.add_argument("--tries", type=int, default=4, help="booking attempts per round")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    return parser.parse_args()


def popular_times(seeded) -> list[dt.datetime]:
    """The popular one-hour slots' starts: the free hours of the seeded days 2 and 3."""
    return [
        dt.datetime.combine(seeded.first_day + dt.timedelta(days=d), dt.time(h), tzinfo=plans.OSLO)
        for d in (2, 3)
        for h in plans.FREE_HOURS
    ]


def round_plans(rng: random.Random, times: list, rounds: int) -> list[tuple[bool, str]]:
    """(only looks, local start) per round: every 4th round looks, at a random offset."""
    offset = rng.randrange(4)
    return [((n + offset) % 4 == 0, rng.choice(times).isoformat()) for n in range(rounds)]


def _user(port, token, organisation, rounds, popular, tries, seed, barrier, results) -> None:
    try:
        results.put(_rounds(port, token, organisation, rounds, popular, tries, seed, barrier))
    except Exception as error:
        barrier.abort()  # do not keep the others waiting for this one
        results.put(RuntimeError(f"a user failed: {error!r}"))
        raise


def _paths(local_start: str) -> tuple[dt.datetime, dt.datetime, str, str]:
    """The slot's start and end, its free-room search and the query string of its week."""
    start = dt.datetime.fromisoformat(local_start)
    end = start + dt.timedelta(hours=1)
    search = (
        f"/api/v1/rooms/?free_from={start.replace(tzinfo=None).isoformat()}"
        f"&free_to={end.replace(tzinfo=None).isoformat()}"
    )
    monday = start.date() - dt.timedelta(days=start.weekday())
    return start, end, search, f"?from={monday}&to={monday + dt.timedelta(days=6)}"


def _rounds(port, token, organisation, rounds, popular, tries, seed, barrier) -> dict:
    client, rng = load.Client(port, token), random.Random(seed)
    timings = {step: [] for step in STEPS}
    answers, endings, samples = Counter(), Counter(), []

    def call(step, method, path, payload=None):
        status, body, seconds = client.call(method, path, payload)
        timings[step].append(seconds)
        answers[step, status] += 1
        if (step, status) not in PLANNED and len(samples) < 3:
            samples.append(f"{step} {path}: {status} {body[:300]!r}")
        return status, body

    # Warm-up, not measured (the servers were up before 09:00): a search and a week.
    _, _, search, week = _paths(rounds[0][1])
    for path in (search, f"/api/v1/rooms/{popular[0]}/availability/{week}"):
        client.call("GET", path)
    barrier.wait(timeout=120)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    for looks, local_start in rounds:
        start, end, search, week = _paths(local_start)
        ending = f"gave up after {tries} × 409"
        for attempt in range(1, tries + 1):
            status, body = call("search", "GET", search)
            if status != 200:
                ending = "stopped by an unplanned answer"
                break
            listed = [room["id"] for room in json.loads(body)["results"]]
            choice = [r for r in listed if r in popular][:FAVOURITES] or listed
            if not choice:
                ending = "found no free room"
                break
            room = rng.choice(choice)
            status, _ = call("week", "GET", f"/api/v1/rooms/{room}/availability/{week}")
            if looks or status != 200:
                ending = "only looked" if status == 200 else "stopped by an unplanned answer"
                break
            slot = {
                "room": room,
                "organisation": organisation,
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
            status, _ = call("quote", "POST", "/api/v1/quotes/", slot)
            if status != 200:
                ending = "stopped by an unplanned answer"
                break
            status, _ = call(
                "book", "POST", "/api/v1/bookings/", {**slot, "title": TITLE, "attendees": 10}
            )
            if status != 409:
                ending = (
                    ("booked at the first attempt" if attempt == 1 else "booked after a 409")
                    if status == 201
                    else "stopped by an unplanned answer"
                )
                break
        endings[ending] += 1
    ended = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_SELF)
    client.close()
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    return {
        "began": began,
        "ended": ended,
        "timings": timings,
        "answers": answers,
        "endings": endings,
        "samples": samples,
        "cpu": cpu,
    }


def run_users(args, port, seeded, popular, probe) -> dict:
    """All users at once; what they measured, added up, and the CPU used meanwhile."""
    times = popular_times(seeded)
    rng = random.Random(args.seed)
    users = [
        (
            port,
            seeded.tokens[u],
            seeded.organisation_ids[u],
            round_plans(rng, times, args.rounds),
            popular,
            args.tries,
            args.seed * 100 + u,
        )
        for u in range(args.users)
    ]
    outcomes, cpu = load.run_together(_user, users, probe)
    total = {"answers": Counter(), "endings": Counter(), "samples": []}
    for outcome in outcomes:
        total["answers"].update(outcome["answers"])
        total["endings"].update(outcome["endings"])
        total["samples"] += outcome["samples"]
    cpu["clients"] = sum(o["cpu"] for o in outcomes)
    return {
        **total,
        "wall": max(o["ended"] for o in outcomes) - min(o["began"] for o in outcomes),
        "timings": {step: [s for o in outcomes for s in o["timings"][step]] for step in STEPS},
        "cpu": cpu,
    }


def popular_taken(popular: list[int], times: list[dt.datetime]) -> int:
    from booking.models import Booking

    return Booking.objects.filter(
        title=TITLE, room_id__in=popular, start__in=times, status__in=Booking.ACTIVE_STATUSES
    ).count()


def _row(*cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def report_text(args, figures: dict, info: dict) -> str:
    wall, answers, endings = figures["wall"], figures["answers"], figures["endings"]
    rounds = args.users * args.rounds
    booked = answers["book", 201]
    requests = sum(answers.values())
    lines = [
        f"Run on {info['date']} by `make bench` (bench/opening_day.py), code at {info['code']}: "
        f"{args.users} users × {args.rounds} rounds at once; "
        + MIX.format(tries=args.tries)
        + f"; the hour one of {figures['times']} popular ones, the room one of the first "
        f"{FAVOURITES} of the {args.rooms} popular rooms listed free, else another listed room.",
        "",
        _row("measure", "figure"),
        _row("---", "---:"),
        _row("users × rounds", f"{args.users} × {args.rounds} = {rounds}"),
        _row(f"wall time ({requests} requests)", f"{wall:.1f} s"),
        _row("rounds per second", f"{rounds / wall:.1f}"),
        _row("bookings (201) per second", f"{booked / wall:.1f}"),
        _row("requests per second", f"{requests / wall:.1f}"),
        _row(
            "how the rounds ended",
            ", ".join(f"{name} {count}" for name, count in endings.most_common()),
        ),
        _row(
            "popular slots taken (room × hour)",
            f"{figures['taken']} of {args.rooms * figures['times']}",
        ),
        _row("bookings made (in the database) / 201 answers", f"{figures['made']} / {booked}"),
        _row("overlapping active bookings afterwards (must be 0)", figures["overlaps"]),
        _row("CPU during the run, share of the machine", report.cpu_shares(figures)),
        _row(
            "CPU per round: gunicorn / PostgreSQL server / clients ms",
            " / ".join(
                report.ms(figures["cpu"][name] / rounds)
                for name in ("gunicorn", "postgres server", "clients")
            ),
        ),
        _row(
            "load average at the end (1 / 5 / 15 min)",
            " / ".join(f"{x:.2f}" for x in figures["loadavg"]),
        ),
        "",
        _row("step", "requests", "p50 ms", "p95 ms", "p99 ms", "200", "201", "409", "other"),
        _row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"),
    ]
    for step in STEPS:
        lat = figures["timings"][step]
        by_status = {s: n for (name, s), n in answers.items() if name == step}
        other = sum(n for s, n in by_status.items() if s not in (200, 201, 409))
        lines.append(
            _row(
                step,
                len(lat),
                *(report.ms(load.percentile(lat, p)) if lat else "–" for p in (50, 95, 99)),
                *(by_status.get(s, 0) for s in (200, 201, 409)),
                other,
            )
        )
    lines += ["", "Machine and set-up:", "", *report.machine_lines(info)]
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    bench_url, admin_url = run.bench_database_urls(os.environ.get("DATABASE_URL", ""))
    run.setup_django(bench_url)
    seeded = run.reuse_seeding()
    from booking.models import Booking, Room

    if args.users > len(seeded.tokens):
        raise SystemExit(f"--users at most {len(seeded.tokens)}")
    # The rooms the free search lists first (its order), which everyone sees first.
    popular = list(Room.objects.filter(is_active=True).values_list("id", flat=True)[: args.rooms])
    run.empty_broker()
    server, port = run.start_gunicorn(bench_url, SimpleNamespace(workers=args.workers, threads=1))
    try:
        print(f"== opening day: {args.users} users × {args.rounds} rounds", flush=True)
        sampler = load.BackendSampler(admin_url, run.BENCH_DB)
        try:
            probe = run.cpu_probe(server, sampler, run.postmaster_pid())
            figures = run_users(args, port, seeded, popular, probe)
            figures["loadavg"] = os.getloadavg()
        finally:
            sampler.close()
    finally:
        run.stop(server)
        run.empty_broker()
    times = popular_times(seeded)
    figures["times"] = len(times)
    figures["taken"] = popular_taken(popular, times)
    figures["made"] = Booking.objects.filter(title=TITLE).count()
    figures["overlaps"] = run.count_overlaps()
    gunicorn = f"--workers {args.workers}, DATABASE_CONN_MAX_AGE=60, CELERY_BROKER_URL=Redis"
    text = report_text(args, figures, report.machine(gunicorn, args.users))
    print(text)
    for sample in figures["samples"]:
        print("unplanned answer:", sample)
    if not args.no_write:
        report.write_generated_section("opening_day.py", "Season opening", text)
    unplanned = {key: n for key, n in figures["answers"].items() if key not in PLANNED}
    if unplanned or figures["answers"]["book", 201] != figures["made"] or figures["overlaps"]:
        print(
            f"FAILED: unplanned answers {unplanned}, 201s {figures['answers']['book', 201]} "
            f"against {figures['made']} bookings made, overlaps {figures['overlaps']}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
