"""The HTTP side of the benchmark, standard library only: keep-alive http.client clients.

Creation runs one client per process, so the clients do not share a GIL with each other
(they do share the machine's cores with gunicorn and PostgreSQL).
"""

import http.client
import json
import math
import multiprocessing
import os
import resource
import time
from collections import Counter

TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def machine_cpu() -> dict[str, float]:
    """CPU seconds of the whole machine so far, from /proc/stat: busy, idle (with iowait)
    and stolen by the hypervisor."""
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:9]]
    idle = ticks[3] + ticks[4]
    return {
        "busy": (sum(ticks[:7]) - idle) / TICKS,
        "idle": idle / TICKS,
        "stolen": ticks[7] / TICKS,
    }


def process_cpu(pids) -> float:
    """CPU seconds the processes have used so far (those that are gone count nothing)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def _stat(pid: int) -> list[int] | None:
    """utime, stime, cutime, cstime of a process in ticks (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return [int(field) for field in fields[11:15]]


def parent_pid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def server_cpu(postmaster: int) -> float:
    """CPU seconds the whole PostgreSQL server has used so far: the postmaster, its live
    children (backends, WAL writer, checkpointer, autovacuum) and, through the
    postmaster's cutime/cstime, every child it has reaped, so a backend that exits
    mid-run (a connection closed at CONN_MAX_AGE) still counts, to the tick."""
    for _ in range(10):
        before = _stat(postmaster)
        with open(f"/proc/{postmaster}/task/{postmaster}/children") as children:
            pids = [int(child) for child in children.read().split()]
        live = sum(sum(times[:2]) for times in map(_stat, pids) if times)
        after = _stat(postmaster)
        # A child reaped while we read would be counted twice or not at all: read again.
        if before[2:] == after[2:]:
            return (sum(after) + live) / TICKS
    raise RuntimeError("the PostgreSQL server kept reaping children while we read it")


class BackendSampler:
    """CPU of the backends connected to one database, including the ones that exit.

    A thread reads pg_stat_activity and each backend's /proc/<pid>/stat every
    ``interval`` seconds and keeps each backend's last reading, so a backend that exits
    loses at most its last interval's CPU (reading pids only at the start and the end,
    a replaced connection's CPU vanished, or counted negative).
    """

    def __init__(self, admin_url: str, database: str, interval: float = 0.05):
        import threading

        import psycopg

        self.conn = psycopg.connect(admin_url, autocommit=True)
        self.database, self.interval = database, interval
        self.seen: dict[int, int] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sample()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = "
            "'client backend'",
            [self.database],
        ).fetchall()
        for (pid,) in rows:
            times = _stat(pid)
            if times:
                with self.lock:
                    self.seen[pid] = max(self.seen.get(pid, 0), times[0] + times[1])

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def snapshot(self) -> dict[int, int]:
        self.sample()
        with self.lock:
            return dict(self.seen)

    @staticmethod
    def between(before: dict[int, int], after: dict[int, int]) -> float:
        """CPU seconds the backends used between two snapshots (new ones from birth)."""
        return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / TICKS

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.conn.close()


def process_tree(pid: int) -> list[int]:
    """The process and its descendants."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                todo += [int(child) for child in children.read().split()]
        except FileNotFoundError:
            continue
    return pids


class Client:
    """One keep-alive connection; reconnects by itself if the server closes it."""

    def __init__(self, port: int, token: str | None = None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, payload=None) -> tuple[int, bytes, float]:
        """Send one request; return status, body and seconds until the body was read."""
        headers = dict(self.headers)
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A keep-alive connection the server dropped between requests: try once more.
            self.conn.close()
            began = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        return response.status, data, time.perf_counter() - began

    def close(self) -> None:
        self.conn.close()


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, _, _ = Client(port).call("GET", "/api/v1/sites/")
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server on port {port} did not answer in {seconds} s")
        time.sleep(0.2)


def measure_gets(port: int, paths: list[str], token: str | None, warmup: int = 20) -> list[float]:
    """GET each path in turn over one connection; latencies in seconds. Anything but 200 fails."""
    client = Client(port, token)
    latencies = []
    for i, path in enumerate(paths[:warmup] + paths):
        status, body, seconds = client.call("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        if i >= warmup:
            latencies.append(seconds)
    client.close()
    return latencies


def _post_bookings(port, token, warmup, payloads, barrier, results) -> None:
    try:
        results.put(_client_run(port, token, warmup, payloads, barrier))
    except Exception as error:
        barrier.abort()  # do not keep the others waiting for this one
        results.put(RuntimeError(f"a client failed: {error!r}"))
        raise


def _client_run(port, token, warmup, payloads, barrier) -> tuple:
    client = Client(port, token)
    for payload in warmup:
        client.call("POST", "/api/v1/bookings/", payload)
    barrier.wait()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    latencies, statuses, samples = [], Counter(), []
    for payload in payloads:
        status, body, seconds = client.call("POST", "/api/v1/bookings/", payload)
        latencies.append(seconds)
        statuses[status] += 1
        if status not in (201, 409) and len(samples) < 3:
            samples.append(f"{status} {body[:300]!r}")
    ended = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_SELF)
    client.close()
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    return began, ended, latencies, dict(statuses), samples, cpu


def run_together(target, arg_lists: list[tuple], cpu_probe) -> tuple[list, dict]:
    """One spawned process per argument list, each calling target(*args, barrier,
    results) and putting its outcome (or the exception it met) on results; all start
    together at the barrier.

    cpu_probe() returns CPU seconds used so far by name, and the bench database's
    backends under "backends"; returns the outcomes and the CPU used while the
    processes ran, by name, the backends' as "postgres".
    """
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(arg_lists) + 1), ctx.Queue()
    processes = [ctx.Process(target=target, args=(*args, barrier, results)) for args in arg_lists]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    cpu_before = cpu_probe()
    outcomes = [results.get(timeout=600) for _ in processes]
    cpu_after = cpu_probe()
    failures = [o for o in outcomes if isinstance(o, Exception)]
    if failures:
        raise failures[0]
    for process in processes:
        process.join()
    cpu = {
        name: cpu_after[name] - cpu_before.get(name, 0.0)
        for name in cpu_after
        if name != "backends"
    }
    cpu["postgres"] = BackendSampler.between(cpu_before["backends"], cpu_after["backends"])
    return outcomes, cpu


def measure_posts(port: int, plans: list[tuple[str, list, list]], cpu_probe) -> dict:
    """Run one process per (token, warm-up payloads, payloads) plan, all starting together.

    cpu_probe() returns CPU seconds used so far by name; the result has what was used
    while the clients ran.
    """
    outcomes, cpu = run_together(_post_bookings, [(port, *plan) for plan in plans], cpu_probe)
    began = min(o[0] for o in outcomes)
    wall = max(o[1] for o in outcomes) - began
    statuses = Counter()
    for outcome in outcomes:
        statuses.update(outcome[3])
    return {
        "wall": wall,
        "latencies": [s for o in outcomes for s in o[2]],
        "statuses": statuses,
        "samples": [s for o in outcomes for s in o[4]],
        "cpu": {**cpu, "clients": sum(o[5] for o in outcomes)},
    }
