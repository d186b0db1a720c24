"""The table `make bench` prints and keeps in BENCHMARKS.md, and the machine it ran on."""

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

import load

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
START_MARK = "<!-- bench/run.py: generated from here -->"
END_MARK = "<!-- bench/run.py: generated up to here -->"


ROOT = BENCHMARKS_MD.parent

BUDGET_AVAILABILITY_P95_MS = 25
BUDGET_CREATE_PER_S = 400  # issue 18: at 8 clients, notifications on
BUDGET_CREATE_P99_MS = 100


def code_version() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", ".", ":!bench", ":!BENCHMARKS.md")
    return commit + (" with uncommitted changes" if changed else "")


def machine(gunicorn: str, clients: int) -> dict[str, str]:
    from django.db import connection

    with open("/proc/cpuinfo") as cpuinfo:
        pairs = (line.split(":", 1) for line in cpuinfo if ":" in line)
        cpu = {key.strip(): value.strip() for key, value in pairs}  # the last CPU's
    model = f"{cpu.get('model name', 'unknown CPU')} at {cpu.get('cpu MHz', '?')} MHz"
    with open("/proc/meminfo") as meminfo:
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{len(os.sched_getaffinity(0))} × {model}",
        "ram": f"{kib / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "postgres": postgres,
        "python": platform.python_version(),
        "django": importlib.metadata.version("django"),
        "gunicorn": f"{importlib.metadata.version('gunicorn')}, {gunicorn}",
        "clients": f"{clients} client processes, one http.client connection each (kept alive "
        "when the server allows; gunicorn's sync workers close it after each response)",
        "code": code_version(),
    }


def _ours(cpu: dict) -> float:
    # The whole PostgreSQL server: its WAL writer, checkpointer and autovacuum work for
    # our writes too. If another database on the server is busy meanwhile, that counts
    # here as well; the bench database's own backends are shown beside it.
    return cpu["gunicorn"] + cpu["postgres server"] + cpu["clients"]


def cpu_shares(create: dict) -> str:
    cpu = create["cpu"]
    shares = {
        "gunicorn": cpu["gunicorn"],
        "PostgreSQL server": cpu["postgres server"],
        "clients": cpu["clients"],
        "other processes": other_load(create) * _whole(cpu),
        "idle": cpu["idle"],
        "stolen by the hypervisor": cpu["stolen"],
    }
    return ", ".join(f"{name} {seconds / _whole(cpu):.0%}" for name, seconds in shares.items())


def _whole(cpu: dict) -> float:
    return cpu["busy"] + cpu["idle"] + cpu["stolen"]


def cpu_ceiling(create: dict) -> float:
    """POSTs per second the machine could serve if its cores ran only gunicorn, PostgreSQL
    and the clients at the CPU cost per POST measured here."""
    per_post = _ours(create["cpu"]) / len(create["latencies"])
    return len(os.sched_getaffinity(0)) / per_post


def other_load(create: dict) -> float:
    """Share of the machine that processes outside the benchmark used while it created."""
    cpu = create["cpu"]
    return max(0.0, cpu["busy"] - _ours(cpu)) / _whole(cpu)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(figures: dict) -> list[str]:
    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    rows = [
        ("measure", "figure", "budget", "met"),
        ("---", "---:", "---", "---"),
    ]
    for name, lat in figures["availability"].items():
        p95 = load.percentile(lat, 95)
        rows.append(
            (
                f"week availability, {name} ({len(lat)} GETs), p50 / p95 / p99 ms",
                f"{ms(load.percentile(lat, 50))} / {ms(p95)} / {ms(load.percentile(lat, 99))}",
                f"p95 ≤ {BUDGET_AVAILABILITY_P95_MS} ms",
                met(p95 * 1000 <= BUDGET_AVAILABILITY_P95_MS),
            )
        )
    create = figures["create"]
    statuses = create["statuses"]
    rate = statuses.get(201, 0) / create["wall"]
    p99 = load.percentile(create["latencies"], 99)
    other = sum(n for status, n in statuses.items() if status not in (201, 409))
    rows += [
        (
            f"bookings created per second ({len(create['latencies'])} POSTs in "
            f"{create['wall']:.1f} s)",
            f"{rate:.0f}",
            f"≥ {BUDGET_CREATE_PER_S}/s",
            met(rate >= BUDGET_CREATE_PER_S),
        ),
        (
            "create latency p50 / p99 ms",
            f"{ms(load.percentile(create['latencies'], 50))} / {ms(p99)}",
            f"p99 ≤ {BUDGET_CREATE_P99_MS} ms",
            met(p99 * 1000 <= BUDGET_CREATE_P99_MS),
        ),
        (
            "responses 201 / 409 / other (expected 201 / 409)",
            f"{statuses.get(201, 0)} / {statuses.get(409, 0)} / {other} "
            f"({figures['expected'][201]} / {figures['expected'][409]})",
            "other = 0",
            met(other == 0),
        ),
        (
            "overlapping active bookings afterwards",
            str(figures["overlaps"]),
            "0",
            met(figures["overlaps"] == 0),
        ),
        (
            f"raw-insert reference: PostgreSQL alone, {figures['raw']['inserts']} INSERTs "
            "with the same exclusion constraint from 4 psycopg clients (bench/raw_insert.py), "
            "per second",
            f"{figures['raw']['rate']:.0f}",
            "",
            "",
        ),
        (
            "Lokale's bookings/s as a share of the raw-insert reference",
            f"{rate / figures['raw']['rate']:.1%}",
            "",
            "",
        ),
        ("CPU during creation, share of the machine", cpu_shares(create), "", ""),
        (
            "CPU per POST: gunicorn / PostgreSQL server (of it the bench database's "
            "backends) / client ms",
            "{} / {} ({}) / {}".format(
                *(
                    ms(create["cpu"][name] / len(create["latencies"]))
                    for name in ("gunicorn", "postgres server", "postgres", "clients")
                )
            ),
            "",
            "",
        ),
        (
            "ceiling if all cores did nothing but this, POST/s",
            f"{cpu_ceiling(create):.0f}",
            "",
            "",
        ),
    ]
    for name, count in figures["queries"].items():
        rows.append((f"SQL queries per request: {name}", str(count), "", ""))
    rows.append(
        ("seeding 100,000 bookings (not measured against a budget)", figures["seed"], "", "")
    )
    return ["| " + " | ".join(row) + " |" for row in rows]


def machine_lines(info: dict) -> list[str]:
    """The machine and set-up list of a report, from machine()."""
    return [
        f"- CPU: {info['cpus']}; RAM {info['ram']}; {info['os']}",
        f"- PostgreSQL {info['postgres']}; Python {info['python']}; Django {info['django']}",
        f"- gunicorn {info['gunicorn']}",
        f"- load: {info['clients']}; client, gunicorn and PostgreSQL share the machine",
    ]


def report(figures: dict, info: dict) -> str:
    lines = [
        f"Run on {info['date']} by `make bench` (bench/run.py), code at {info['code']}.",
        "",
        *table(figures),
        "",
        "Machine and set-up:",
        "",
        *machine_lines(info),
        "- load average at the end of creation (1 / 5 / 15 min): "
        + " / ".join(f"{x:.2f}" for x in figures["loadavg"]),
        "- seeded members and organisations have email addresses: each created booking "
        "writes its outbox row and publishes it to Redis after commit",
    ]
    cpu = figures["create"]["cpu"]
    lost = other_load(figures["create"]) + cpu["stolen"] / _whole(cpu)
    if lost > 0.1:
        lines.append(
            f"- **warning**: other processes and the hypervisor took {lost:.0%} of the machine "
            "during creation; the creation figures are lower than on a quiet machine"
        )
    return "\n".join(lines)


def write_benchmarks_md(text: str) -> None:
    """Replace the generated section of BENCHMARKS.md; the hand-written rest stays."""
    block = f"{START_MARK}\n{text}\n{END_MARK}"
    if BENCHMARKS_MD.exists():
        current = BENCHMARKS_MD.read_text()
        if START_MARK in current and END_MARK in current:
            head, rest = current.split(START_MARK, 1)
            tail = rest.split(END_MARK, 1)[1]
            BENCHMARKS_MD.write_text(head + block + tail)
            return
        BENCHMARKS_MD.write_text(current.rstrip() + "\n\n" + block + "\n")
        return
    BENCHMARKS_MD.write_text(f"# Benchmarks\n\n{block}\n")


def write_generated_section(script: str, heading: str, text: str) -> None:
    """Replace (or append under ``heading``) the section of BENCHMARKS.md that ``script``
    generates; the hand-written rest stays."""
    start = f"<!-- bench/{script}: generated from here -->"
    end = f"<!-- bench/{script}: generated up to here -->"
    current = BENCHMARKS_MD.read_text()
    block = f"{start}\n{text}\n{end}"
    if start in current:
        head, rest = current.split(start, 1)
        current = head + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip() + f"\n\n## {heading}\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(current)
