"""Directory search: 5,000 listed organisations with public profiles, 240 searches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/directory.py

Runs on bench/run.py's database (`lokale_bench`; made and migrated here if missing, so it
also runs on its own; `--database NAME` names another). In-process, DEBUG off: seeds with
bulk_create 5,000 organisations in the directory, each with a profile (activities, area,
categories, age groups, a site), then times 240 searches mixed of names, activities,
misspelt words and filters twice: ``community.search.directory`` as the page uses it (the
count and the first page of 20) and ``GET /api/v1/directory/`` through Django's test
client (the whole request: count, 20 entries with their sites, JSON). Prints p50/p95/p99
and the plan of one misspelt search (which indexes it used), writes BENCHMARKS.md's section
and removes everything it made.
"""

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

import psycopg
import report
import run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# `--database NAME` runs on another database than `lokale_bench` (when that one is busy).
if "--database" in sys.argv:
    run.BENCH_DB = sys.argv[sys.argv.index("--database") + 1]
MARK = "bench:directory"  # in invoice_reference: what cleanup removes (never searched)
ORGANISATIONS, SEARCHES, PAGE = 5000, 240, 20
BUDGET_P95_MS = 30.0
PLACES = ["Ås", "Nordby", "Kroer", "Solberg", "Brønnerud", "Togrenda", "Vinterbro",
          "Sjøskogen", "Rustad", "Holstad", "Dysterlia", "Nessetveien"]  # fmt: skip
# kind of club: (activities, category, age groups)
KINDS = {
    "Idrettslag": ("fotball, håndball, ski, friidrett", "sports", ["children", "youth"]),
    "Håndballklubb": ("håndball for barn og unge, seriespill", "sports", ["children", "youth"]),
    "Skolekorps": ("korps, marsjering, konserter", "culture", ["children", "youth"]),
    "Musikkorps": ("korps, konserter, 17. mai", "culture", ["adults"]),
    "Sjakklubb": ("sjakk, turneringer, kurs", "recreation", ["all"]),
    "Kor": ("kor, sang, konserter", "culture", ["adults", "seniors"]),
    "Seniorforening": ("turer, foredrag, kaffe og sosialt samvær", "recreation", ["seniors"]),
    "Speidergruppe": ("speiding, friluftsliv, leirer", "recreation", ["children", "youth"]),
    "Husflidslag": ("strikking, veving, treskjæring", "culture", ["adults", "seniors"]),
    "Bridgeklubb": ("bridge, kortspill", "recreation", ["adults", "seniors"]),
    "Turlag": ("fotturer, stimerking, hytter", "environment", ["all"]),
    "Historielag": ("lokalhistorie, foredrag, bygdebok", "culture", ["adults"]),
    "Frivilligsentral": ("leksehjelp, besøksvenn, matutdeling", "social", ["all"]),
    "Menighet": ("gudstjenester, babysang, trosopplæring", "religion", ["all"]),
    "Svømmeklubb": ("svømming, livredning, svømmekurs", "sports", ["children", "youth"]),
    "Dansegruppe": ("dans, hiphop, ballett", "culture", ["children", "youth"]),
}
WORDS = ["håndball", "korps", "sjakk", "speiding", "konserter", "bridge", "svømming", "dans",
         "strikking", "leksehjelp", "fotturer", "kor"]  # fmt: skip
MISSPELT = ["handbal", "korpss", "sjak", "speidng", "konsrter", "brigde", "svomming",
            "strikkng", "lekshjelp", "fottur", "hanball", "skolkorps"]  # fmt: skip


def ensure_database() -> None:
    _bench_url, admin_url = run.bench_database_urls(os.environ.get("DATABASE_URL", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [run.BENCH_DB]
        ).fetchone():
            conn.execute(f"CREATE DATABASE {run.BENCH_DB}")


def seed(rng: random.Random) -> list:
    from booking.models import Organisation, Site
    from community.models import PublicProfile
    from community.profiles import search_text

    sites = Site.objects.bulk_create(
        Site(name=f"Bench katalog {place} skole", kind="school") for place in PLACES
    )
    kinds = list(KINDS)
    organisations, profiles = [], []
    for i in range(ORGANISATIONS):
        place, kind = rng.choice(PLACES), rng.choice(kinds)
        organisations.append(Organisation(
            name=f"{place} {kind} {i + 1}", category="voluntary",
            verified_category="voluntary" if rng.random() < 0.7 else "", in_directory=True,
            public_description=f"{kind} i {place}. Alle er velkomne!", invoice_reference=MARK,
        ))  # fmt: skip
    organisations = Organisation.objects.bulk_create(organisations, batch_size=1000)
    for organisation in organisations:
        place, kind = organisation.name.split(" ")[0], organisation.name.split(" ")[1]
        activities, category, ages = KINDS[kind]
        profile = PublicProfile(organisation=organisation, activities=activities,
                                categories=[category], age_groups=ages, area=place,
                                how_to_join="Ta kontakt.")  # fmt: skip
        profile.search_text = search_text(profile)
        profiles.append(profile)
    PublicProfile.objects.bulk_create(profiles, batch_size=1000)
    through = PublicProfile.sites.through
    by_place = {s.name.split(" ")[2]: s for s in sites}
    through.objects.bulk_create(
        (through(publicprofile_id=p.pk, site_id=by_place[p.area].pk) for p in profiles),
        batch_size=2000,
    )
    return sites


def searches(rng: random.Random, sites) -> list[dict]:
    """Mixed as visitors would: words, misspelt words, names, filters, and both."""
    kinds, found = list(KINDS), []
    for n in range(SEARCHES):
        kind = n % 6
        if kind == 0:
            found.append({"q": rng.choice(WORDS)})
        elif kind == 1:
            found.append({"q": rng.choice(MISSPELT)})
        elif kind == 2:
            found.append({"q": f"{rng.choice(PLACES)} {rng.choice(kinds)}"})
        elif kind == 3:
            found.append({"category": rng.choice(["sports", "culture", "recreation"]),
                          "age_group": rng.choice(["children", "youth", "seniors"])})  # fmt: skip
        elif kind == 4:
            found.append({"q": rng.choice(MISSPELT), "site": rng.choice(sites).pk})
        else:
            found.append({"q": rng.choice(WORDS), "category": "culture", "age_group": "adults"})
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cleanup() -> None:
    from booking.models import Organisation, Site

    Organisation.objects.filter(invoice_reference=MARK).delete()  # profiles with them
    Site.objects.filter(name__startswith="Bench katalog ").delete()


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("booking_organisation", "community_publicprofile",
                      "community_publicprofile_sites"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")


def machine() -> str:
    from django.db import connection

    with open("/proc/cpuinfo") as cpuinfo:
        models = [line.split(":", 1)[1].strip() for line in cpuinfo
                  if line.split(":", 1)[0].strip() == "model name"]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    cpu = models[0] if models else "unknown CPU"
    return f"{os.cpu_count()} × {cpu} (nproc {len(os.sched_getaffinity(0))}), PostgreSQL {postgres}"


def main() -> int:
    ensure_database()
    load_before = os.getloadavg()[0]
    run.setup_django_as_production(CELERY_BROKER_URL="")
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from community import search

    setup_test_environment()  # the test client's host, without DEBUG
    call_command("migrate", verbosity=0)
    cleanup()
    rng = random.Random(16)
    began = time.perf_counter()
    sites = seed(rng)
    seeded_s = time.perf_counter() - began
    vacuum()
    try:
        asked = searches(rng, sites)
        listed = search.listed().count()
        found_ms, api_ms, hits, empty = [], [], 0, 0
        for params in asked:  # warm: the first of each shape plans and caches
            list(search.directory(search.Filters(**params))[:PAGE])
        for params in asked:
            began = time.perf_counter()
            results = search.directory(search.Filters(**params))
            first_page, count = search.page_of(results, offset=0, limit=PAGE)
            found_ms.append((time.perf_counter() - began) * 1000)
            hits += count
            empty += not first_page
        client = Client()
        for params in asked:
            began = time.perf_counter()
            response = client.get("/api/v1/directory/", {**params, "limit": PAGE})
            api_ms.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.content[:300]
        misspelt = search.directory(search.Filters(q="handbal"))
        plan = misspelt[:PAGE].explain(analyze=True)
        top = [o.name for o in misspelt[:3]]
    finally:
        cleanup()
        vacuum()

    def met(value):
        return "yes" if value <= BUDGET_P95_MS else "**no**"

    def pcts(values):
        return " / ".join(f"{percentile(values, p):.1f}" for p in (50, 95, 99))

    index_lines = sorted({line.split(" on ")[1].split()[0] for line in plan.splitlines()
                          if "Index Scan on" in line})  # fmt: skip
    rows = [
        (f"search (`community.search.directory`: first {PAGE} and the count in one "
         f"statement), {SEARCHES} searches, "
         "p50 / p95 / p99 ms", pcts(found_ms), f"p95 ≤ {BUDGET_P95_MS:.0f} ms",
         met(percentile(found_ms, 95))),
        (f"`GET /api/v1/directory/?limit={PAGE}` in-process (search, serializer, JSON), "
         "p50 / p95 / p99 ms", pcts(api_ms), "", ""),
        ("organisations listed / results per search (mean) / searches with none",
         f"{listed} / {hits / len(asked):.0f} / {empty}", "", ""),
        ("«handbal» finds first", ", ".join(top), "a handball club", ""),
        ("indexes in the plan of «handbal»", ", ".join(index_lines) or "none", "", ""),
        ("seeding (bulk_create, not against a budget), s", f"{seeded_s:.1f}", "", ""),
    ]  # fmt: skip
    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/directory.py), in-process, DEBUG off, code at {report.code_version()}; "
        f"{ORGANISATIONS:,} listed organisations with profiles; {SEARCHES} searches: a sixth "
        "each of activity words, misspelt words, place + kind of club, category + age group, "
        "misspelt word + site, word + category + age group; load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after.\n\nMachine: {machine()}.\n\n"
        "| measure | figure | budget | met |\n| --- | --- | --- | --- |\n"
        + "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    )
    print(text)
    print("\nEXPLAIN ANALYZE of the first page of «handbal»:\n" + plan)
    if "--no-write" not in sys.argv:
        report.write_generated_section("directory.py", "Directory search", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
