"""The reference bench/run.py measures Lokale against: PostgreSQL inserting bookings by
itself, with the same exclusion constraint, from 4 client processes.

Each client holds one psycopg connection in autocommit and INSERTs one-hour bookings in
its own rooms into a scratch table that has booking_booking's overlap constraint
(booking.db.ADD_OVERLAP_CONSTRAINT, the same GiST index over room and time range, for
the same statuses), one statement and one commit per booking, as Lokale commits each.
The table is dropped afterwards. Lokale's bookings/s is then a share of this rate, a
figure that survives a noisy machine better than either rate alone.
"""

import datetime as dt
import multiprocessing
import time

import psycopg

TABLE = "bench_raw_booking"
CLIENTS = 4
PER_CLIENT = 5000
ROOMS_PER_CLIENT = 50

CREATE = f"""
DROP TABLE IF EXISTS {TABLE};
CREATE TABLE {TABLE} (
    id bigserial PRIMARY KEY,
    room_id bigint NOT NULL,
    start timestamptz NOT NULL,
    "end" timestamptz NOT NULL,
    status varchar(16) NOT NULL,
    title varchar(200) NOT NULL,
    CHECK (start < "end")
)
"""
INSERT = (
    'INSERT INTO bench_raw_booking (room_id, start, "end", status, title) '
    "VALUES (%s, %s, %s, 'confirmed', %s) RETURNING id"
)


def _client(url: str, client: int, count: int, barrier, results) -> None:
    first = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT 1")
        barrier.wait()
        began = time.perf_counter()
        for n in range(count):
            room = client * ROOMS_PER_CLIENT + n % ROOMS_PER_CLIENT
            start = first + dt.timedelta(hours=n // ROOMS_PER_CLIENT)
            conn.execute(INSERT, (room, start, start + dt.timedelta(hours=1), f"Raw {n}"))
        results.put((began, time.perf_counter()))


def measure(url: str, clients: int = CLIENTS, per_client: int = PER_CLIENT) -> dict:
    """Inserts per second from ``clients`` processes into a scratch table on ``url``."""
    from booking.db import ADD_OVERLAP_CONSTRAINT  # the very constraint booking_booking has

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(CREATE)
        conn.execute(
            ADD_OVERLAP_CONSTRAINT.replace("booking_booking", TABLE).replace(
                "booking_no_overlap", f"{TABLE}_no_overlap"
            )
        )
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(clients), ctx.Queue()
    processes = [
        ctx.Process(target=_client, args=(url, client, per_client, barrier, results))
        for client in range(clients)
    ]
    try:
        for process in processes:
            process.start()
        spans = [results.get(timeout=300) for _ in processes]
        for process in processes:
            process.join()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    wall = max(end for _, end in spans) - min(began for began, _ in spans)
    return {"inserts": clients * per_client, "wall": wall, "rate": clients * per_client / wall}
