"""Where a request's time goes: cProfile and SQL timings of in-process API calls.

Run after `make bench` (it reuses the seeded lokale_bench database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale \
        .venv/bin/python bench/profile_requests.py

Settings as under gunicorn (DEBUG off) so the profile shows what production runs.
"""

import argparse
import cProfile
import pstats
import random
import sys
import time
from collections import defaultdict

import plans
import run


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30, help="functions to list")
    parser.add_argument("--what", choices=["create", "availability"], default="create")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="profile this process's CPU time (time.process_time), not the wall clock: "
        "what Python costs, whatever else the machine does",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    # The broker as gunicorn has it: the confirmation is published, not sent in-process.
    run.setup_django_as_production(DATABASE_CONN_MAX_AGE="60", CELERY_BROKER_URL=run.BENCH_BROKER)
    from django.db import connection
    from django.test import Client

    seeded = run.reuse_seeding()
    if args.what == "create":
        work, _ = plans.creation_plans(seeded, 2, args.requests, warmup=0)
        token, _, payloads = work[0]
        calls = [("post", "/api/v1/bookings/", p) for p in payloads]
    else:
        token = seeded.tokens[0]
        paths = plans.week_paths(seeded, random.Random(1), args.requests)
        calls = [("get", path, None) for path in paths]
    client = Client(headers={"Authorization": f"Token {token}"}, SERVER_NAME="localhost")

    sql = defaultdict(lambda: [0, 0.0])

    def timed(execute, query, params, many, context):
        began = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            entry = sql[query.split(" WHERE ")[0][:110]]
            entry[0] += 1
            entry[1] += time.perf_counter() - began

    for method, url, body in calls[:10]:  # warm up
        getattr(client, method)(url, body, content_type="application/json")
    profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
    began = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.enable()
        statuses = defaultdict(int)
        for method, url, body in calls[10:]:
            response = getattr(client, method)(url, body, content_type="application/json")
            statuses[response.status_code] += 1
        profiler.disable()
    took = time.perf_counter() - began
    n = len(calls) - 10
    print(f"{n} {args.what} requests in-process: {took / n * 1000:.2f} ms each; {dict(statuses)}")
    sql_total = sum(t for _, t in sql.values())
    print(
        f"SQL: {sum(c for c, _ in sql.values()) / n:.1f} queries, "
        f"{sql_total / n * 1000:.2f} ms per request"
    )
    for query, (count, seconds) in sorted(sql.items(), key=lambda kv: -kv[1][1]):
        print(f"  {count / n:4.1f}× {seconds / count * 1000:6.3f} ms  {query}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
