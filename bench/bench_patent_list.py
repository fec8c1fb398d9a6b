"""The patent list with 300,000 patents (issue 3): the same number of queries for 20 and 100 rows
per page, and the median server time of page 1 and of a filtered page (under 100 ms on
PostgreSQL).

    .venv/bin/python bench/bench_patent_list.py [--patents 300000] [--runs 30]

The patents are generated once with bulk_create into PostgreSQL ``kejiju_bench_patents_list``
(BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432) and reused by later runs. "Server
time" is the time Django's test client takes to produce the response in-process (URL routing,
middleware, queries, template rendering; no network).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "kejiju_bench_patents_list"

PAGES = {
    "page 1 (20 rows)": {},
    "page 1 (100 rows)": {"per_page": "100"},
    "filtered: invention, filed 2023, page 1": {"kind": "invention", "filed_year": "2023"},
    "filtered: granted 2022, unlinked, page 3": {
        "granted_year": "2022",
        "linked": "no",
        "page": "3",
    },
}


def check_character(body: str) -> str:
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    r = sum(int(d) * weights[i % 8] for i, d in enumerate(body)) % 11
    return "X" if r == 10 else str(r)


def generate(count: int) -> None:
    import random

    from django.core.management import call_command
    from django.db import connection, transaction

    from enterprises.models import Enterprise
    from kejiju.codes import make_credit_code
    from kejiju.models import Town
    from patents.models import Patent

    call_command("migrate", verbosity=0)
    if Patent.objects.count() >= count:
        _vacuum(connection)
        return
    rng = random.Random(3)
    towns = list(Town.objects.all())
    with transaction.atomic():
        if not Enterprise.objects.exists():
            Enterprise.objects.bulk_create(
                Enterprise(
                    credit_code=make_credit_code(50_000 + i),
                    name=f"瑞安基准专利企业{i:04d}有限公司",
                    town=rng.choice(towns),
                )
                for i in range(900)
            )
        enterprises = list(Enterprise.objects.values_list("pk", flat=True))
        Patent.objects.all().delete()
        batch = []
        kinds = [("1", "invention"), ("2", "utility"), ("3", "design")]
        for i in range(count):
            digit, kind = kinds[i % 3]
            year = 2014 + i % 11
            body = f"{year}{digit}{i:07d}"
            filed = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            granted = filed + timedelta(days=rng.randrange(90, 900)) if rng.random() < 0.6 else None
            batch.append(
                Patent(
                    application_number=f"{body}.{check_character(body)}",
                    kind=kind,
                    title=f"一种基准测试装置{i}",
                    applicants=f"瑞安基准专利企业{i % 1200:04d}有限公司",
                    enterprise_id=rng.choice(enterprises) if rng.random() < 0.7 else None,
                    filed_on=filed,
                    granted_on=granted,
                    legal_status="granted" if granted else "pending",
                )
            )
            if len(batch) == 10_000:
                Patent.objects.bulk_create(batch)
                batch = []
        Patent.objects.bulk_create(batch)
    _vacuum(connection)


def _vacuum(connection) -> None:
    """The state autovacuum keeps a live table in: statistics and the visibility map that lets
    COUNT(*) use an index-only scan."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE patents_patent")


def measure(runs: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kejiju.models import User

    user, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"role": "staff", "section": "ip"}
    )
    client = Client()
    client.force_login(user)
    results = {"patents": __import__("patents.models").models.Patent.objects.count()}
    for label, params in PAGES.items():
        response = client.get("/patents/", params)  # warm caches
        assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get("/patents/", params)
        query_count = len(queries)  # read now: the next request resets the connection's log
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get("/patents/", params)
            times.append((time.perf_counter() - start) * 1000)
        results[label] = {
            "queries": query_count,
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(sorted(times)[int(len(times) * 0.9) - 1], 1),
        }
    return results


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    generate(args.patents)
    print(json.dumps(measure(args.runs), ensure_ascii=False))


def database_url() -> str:
    import psycopg2

    connection = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{PG_NAME}"')
    connection.close()
    return f"{PG_SERVER}/{PG_NAME}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patents", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="kejiju.settings",
        KEJIJU_VAR_DIR=str(ROOT / "var" / "bench" / "var"),
    )
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--patents",
            str(args.patents),
            "--runs",
            str(args.runs),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr[-4000:])
        raise SystemExit("bench_patent_list failed")
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        json.dumps(
            {
                "date": datetime.now().strftime("%Y-%m-%d"),
                "machine": f"{cpu}, nproc {os.cpu_count()}",
                "database": "postgresql",
                **figures,
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
