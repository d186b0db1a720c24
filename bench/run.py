"""`make bench`: seed PostgreSQL, then time week availability and booking creation over HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/run.py

Works only on its own database, `lokale_bench` on the server DATABASE_URL names, which
it drops and recreates, migrates and seeds (200 rooms, 100,000 bookings). It then starts
gunicorn, measures, checks that no two active bookings of a room overlap, prints a
table and writes it into BENCHMARKS.md between the generated-section markers.
Exits non-zero if the invariant or the error budget broke; slow figures are reported,
not failed.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import load
import plans
import psycopg
import raw_insert
import report

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# Another run may use the server at the same time: LOKALE_BENCH_DB names another database.
# Taken out of the environment, or the settings would refuse a LOKALE_ name they do not know.
BENCH_DB = os.environ.pop("LOKALE_BENCH_DB", "lokale_bench")

OVERLAPS_SQL = """
SELECT count(*) FROM booking_booking a JOIN booking_booking b
  ON a.room_id = b.room_id AND a.id < b.id
 AND tstzrange(a.start, a."end", '[)') && tstzrange(b.start, b."end", '[)')
WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help=">1 uses the gthread worker")
    parser.add_argument("--clients", type=int, default=8, help="concurrent creating clients")
    parser.add_argument("--per-client", type=int, default=1000, help="bookings each client sends")
    parser.add_argument("--gets", type=int, default=500, help="availability requests per kind")
    parser.add_argument("--seed", type=int, default=20250101, help="random seed")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="reuse the database seeded by the last run (on the same day), for quick reruns",
    )
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    return parser.parse_args()


def bench_database_urls(database_url: str) -> tuple[str, str]:
    """The benchmark database's URL and the URL of the server's `postgres` database."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"bench needs a PostgreSQL DATABASE_URL, not {parts.scheme!r}")
    return (
        urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
        urlunsplit(parts._replace(path="/postgres")),
    )


def recreate_database(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def django_env(url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings", **extra}


def setup_django(url: str) -> None:
    # With the broker configured, as gunicorn has it: without one, Celery would deliver
    # the confirmation in-process and its queries would count as the create's.
    os.environ.update(django_env(url, DJANGO_DEBUG="true", CELERY_BROKER_URL=BENCH_BROKER))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def setup_django_as_production(**extra: str) -> None:
    """Django in this process on the benchmark database, with production settings
    (DEBUG off), for the in-process measurements and profiles."""
    bench_url, _ = bench_database_urls(os.environ.get("DATABASE_URL", ""))
    os.environ.update(
        django_env(
            bench_url,
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="bench",
            DJANGO_ALLOWED_HOSTS="localhost",
            LOKALE_SECURE_SSL_REDIRECT="false",
            **extra,
        )
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def setup_django_serving_static() -> None:
    """setup_django_as_production, with the static files collected as production serves
    them (pages link to their hashed names)."""
    setup_django_as_production(LOKALE_STATIC_ROOT=str(ROOT / "bench/results/static"))
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


@contextlib.contextmanager
def counting_queries():
    """The SQL statements run inside the block, as a list that fills as they run."""
    from django.db import connection

    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield queries


def timed_gets(client, path: str, runs: int, before=None) -> list[float]:
    """Milliseconds of ``runs`` GETs of a path through Django's test client."""
    timings = []
    for _ in range(runs):
        if before:
            before()
        began = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return timings


def reuse_seeding():
    """The last run's seeding, with the bookings its load made deleted again."""
    from seed import Seeded

    from booking.models import Booking

    saved = json.loads((RESULTS / "seeded.json").read_text())
    Booking.objects.filter(title__startswith="Load ").delete()
    return Seeded(**{**saved, "first_day": dt.date.fromisoformat(saved["first_day"])})


def seed_or_reuse(args, rng: random.Random):
    """Seed a fresh database (and say how long it took), or with --keep-db reuse it."""
    from seed import seed

    if args.keep_db:
        return reuse_seeding(), 0.0
    began = time.perf_counter()
    seeded = seed(rng=rng)
    took = time.perf_counter() - began
    saved = {**vars(seeded), "first_day": seeded.first_day.isoformat()}
    (RESULTS / "seeded.json").write_text(json.dumps(saved))
    return seeded, took


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_args(args) -> list[str]:
    extra = (
        ["--worker-class", "gthread", "--threads", str(args.threads)] if args.threads > 1 else []
    )
    return ["--workers", str(args.workers), *extra]


# As in production, confirmations go to a broker after commit (one outbox row and one
# publish per POST); no worker runs, so sending takes no CPU from the measurement.
BENCH_BROKER = "redis://127.0.0.1:6379/9"


def empty_broker() -> None:
    import redis

    redis.Redis.from_url(BENCH_BROKER).flushdb()


def start_gunicorn(url: str, args) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = django_env(
        url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        LOKALE_SECURE_SSL_REDIRECT="false",
        DATABASE_CONN_MAX_AGE="60",
        CELERY_BROKER_URL=BENCH_BROKER,
    )
    with (RESULTS / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "config/gunicorn.py",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                *gunicorn_args(args),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        load.wait_until_up(port)
    except RuntimeError:
        stop(server)
        raise
    return server, port


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def queries_per_request(seeded) -> dict[str, int]:
    """SQL queries one request makes, counted in-process with Django's test client.

    Each kind is sent twice: the first reads the room's facts (booking/facts.py), as the
    first request in a process after a change does; the second, counted as the figure,
    finds them kept, as nearly every request does. Both counts are returned.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from booking import facts

    first = seeded.first_day + dt.timedelta(days=14)
    path = f"/api/v1/rooms/{seeded.room_ids[0]}/availability/?from={first}"
    path += f"&to={first + dt.timedelta(days=6)}"
    # On the first seeded day, which the load leaves alone.
    slots = [
        (seeded.room_ids[0], dt.datetime.combine(seeded.first_day, dt.time(h), tzinfo=plans.OSLO))
        for h in plans.FREE_HOURS[:2]
    ]
    payloads = [plans.booking_payload(seeded, 0, slot, "Load query count") for slot in slots]
    counts = {}
    for name, token, method, url, bodies in (
        ("availability, anonymous", None, "get", path, [None, None]),
        ("availability, member", seeded.tokens[0], "get", path, [None, None]),
        ("create booking", seeded.tokens[0], "post", "/api/v1/bookings/", payloads),
    ):
        headers = {"Authorization": f"Token {token}"} if token else {}
        client = Client(headers=headers, SERVER_NAME="localhost")
        seen = []
        facts.forget()  # as after a change: the first request reads the facts
        for body in bodies:
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(url, body, content_type="application/json")
            if response.status_code not in (200, 201):
                raise RuntimeError(
                    f"{method} {url}: {response.status_code} {response.content[:300]}"
                )
            seen.append(len(captured))
        counts[name] = seen[1]
        counts[f"{name}, first after a change to the room's facts"] = seen[0]
    return counts


def count_overlaps() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL)
        return cursor.fetchone()[0]


def cpu_probe(server: subprocess.Popen, sampler: load.BackendSampler, postmaster: int):
    """A function that tells the CPU seconds used so far by the machine and by our processes.

    PostgreSQL is read two ways: the whole server (exact, exited backends included,
    but also whatever other databases on the server did meanwhile) and the backends of
    the bench database (sampled; see load.BackendSampler).
    """

    def probe() -> dict:
        return {
            **load.machine_cpu(),
            "gunicorn": load.process_cpu(load.process_tree(server.pid)),
            "postgres server": load.server_cpu(postmaster),
            "backends": sampler.snapshot(),
        }

    return probe


def postmaster_pid() -> int:
    """The PostgreSQL server's main process (it must run on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return load.parent_pid(cursor.fetchone()[0])


def main() -> int:
    args = parse_args()
    rng = random.Random(args.seed)
    RESULTS.mkdir(exist_ok=True)
    bench_url, admin_url = bench_database_urls(os.environ.get("DATABASE_URL", ""))
    if not args.keep_db:
        print(f"== (re)creating {BENCH_DB} and migrating", flush=True)
        recreate_database(admin_url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=django_env(bench_url, DJANGO_DEBUG="true"),
            check=True,
        )
    setup_django(bench_url)
    print("== seeding", flush=True)
    seeded, seed_seconds = seed_or_reuse(args, rng)
    figures = {
        "seed": f"{seed_seconds:.0f} s" if seed_seconds else "reused",
        "queries": queries_per_request(seeded),
    }
    empty_broker()
    server, port = start_gunicorn(bench_url, args)
    try:
        print(f"== gunicorn on port {port}: {' '.join(gunicorn_args(args))}", flush=True)
        print("== week availability", flush=True)
        figures["availability"] = {
            "anonymous": load.measure_gets(port, plans.week_paths(seeded, rng, args.gets), None),
            "member": load.measure_gets(
                port, plans.week_paths(seeded, rng, args.gets), seeded.tokens[0]
            ),
        }
        print(f"== creating bookings with {args.clients} clients", flush=True)
        work, figures["expected"] = plans.creation_plans(seeded, args.clients, args.per_client)
        sampler = load.BackendSampler(admin_url, BENCH_DB)
        try:
            probe = cpu_probe(server, sampler, postmaster_pid())
            figures["create"] = load.measure_posts(port, work, probe)
            figures["loadavg"] = os.getloadavg()
        finally:
            sampler.close()
    finally:
        stop(server)
        empty_broker()
    print(f"== raw-insert reference: {raw_insert.CLIENTS} psycopg clients", flush=True)
    figures["raw"] = raw_insert.measure(bench_url)
    figures["overlaps"] = count_overlaps()
    gunicorn = (
        " ".join(gunicorn_args(args))
        + ", DATABASE_CONN_MAX_AGE=60, CELERY_BROKER_URL=Redis (publish only, no worker)"
    )
    text = report.report(figures, report.machine(gunicorn, args.clients))
    print(text)
    for sample in figures["create"]["samples"]:
        print("unexpected answer:", sample)
    if not args.no_write:
        report.write_benchmarks_md(text)
    statuses = figures["create"]["statuses"]
    if figures["overlaps"] or statuses != Counter(figures["expected"]):
        print("FAILED: overlapping bookings, or answers other than the expected 201s and 409s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
