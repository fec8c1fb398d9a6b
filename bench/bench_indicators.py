"""Computing all indicators of one year on a large county: 20,000 enterprises, 300,000 patents,
20,000 projects and 50,000 contracts (issue 4: under 2 s on PostgreSQL, under 5 s on SQLite).

    .venv/bin/python bench/bench_indicators.py          # both databases, prints the figures

The data is generated once with bulk_create into dedicated databases (PostgreSQL
``kejiju_bench_reports``, SQLite ``var/bench/reports.sqlite3``) and reused by later runs.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import machine, postgres_url, run_child, setup_django, sqlite_url, today  # noqa: E402

ENTERPRISES = 20_000
PATENTS = 300_000
PROJECTS = 20_000
CONTRACTS = 50_000
EXPERTS = 3_000
YEAR = 2023
RUNS = 5
BATCH = 5_000


def _day(rng: random.Random, first_year: int = 2014, last_year: int = 2024) -> date:
    start = date(first_year, 1, 1)
    return start + timedelta(days=rng.randrange((date(last_year, 12, 31) - start).days))


def generate(experts: int = EXPERTS) -> None:
    """Seeds the large county once; later calls find it and return (bench_load.py reuses it with
    more experts)."""
    from django.core.management import call_command
    from django.db import transaction

    from enterprises.models import Enterprise, Qualification, RDInstitution
    from experts.models import Expert
    from kejiju.codes import make_credit_code
    from kejiju.models import PlanCategory, Town
    from projects.models import AuctionDeal, Project, TechContract
    from seismic.models import SeismicActivity

    call_command("migrate", verbosity=0)
    if Enterprise.objects.count() >= ENTERPRISES:
        return
    rng = random.Random(4)
    towns = list(Town.objects.all())
    categories = list(PlanCategory.objects.all())
    with transaction.atomic():
        Enterprise.objects.bulk_create(
            (
                Enterprise(
                    credit_code=make_credit_code(100_000 + i),
                    name=f"基准测试企业{i:05d}",
                    town=towns[i % len(towns)],
                )
                for i in range(ENTERPRISES)
            ),
            batch_size=BATCH,
        )
        ids = list(Enterprise.objects.values_list("pk", flat=True))
        qualifications = []
        kinds = [
            ("hnte", "national"),
            ("tech_sme", "provincial"),
            ("tech_enterprise", "city"),
            ("top100", "county"),
            ("patent_demo", "provincial"),
            ("patent_demo", "city"),
        ]
        for pk in ids:
            for kind, level in rng.sample(kinds, 2):
                recognized = _day(rng)
                qualifications.append(
                    Qualification(
                        enterprise_id=pk,
                        kind=kind,
                        level=level,
                        recognition=rng.choice(["first", "first", "renewal"]),
                        recognized_on=recognized,
                        valid_until=recognized + timedelta(days=3 * 365)
                        if kind == "hnte"
                        else None,
                    )
                )
        Qualification.objects.bulk_create(qualifications, batch_size=BATCH)
        RDInstitution.objects.bulk_create(
            (
                RDInstitution(
                    enterprise_id=rng.choice(ids),
                    name=f"基准研发机构{i:05d}",
                    kind=rng.choice(["key_institute", "institute", "hnte_center", "tech_center"]),
                    level=rng.choice(["provincial", "city"]),
                    recognized_on=_day(rng),
                )
                for i in range(2_000)
            ),
            batch_size=BATCH,
        )
        try:
            from patents.models import DisputeCase, Patent
        except ImportError:  # the patents app not installed: the other tables still count
            Patent = DisputeCase = None
        if Patent is not None:
            digits = {"invention": "1", "utility": "2", "design": "3"}
            patents = []
            for i in range(PATENTS):
                kind = rng.choice(["invention", "utility", "utility", "design"])
                filed = _day(rng)
                granted = (
                    filed + timedelta(days=rng.randrange(120, 900)) if rng.random() < 0.6 else None
                )
                patents.append(
                    Patent(
                        application_number=f"{filed.year}{digits[kind]}{i:07d}.{i % 10}",
                        kind=kind,
                        title="一种基准测试装置",
                        applicants="基准测试企业",
                        enterprise_id=rng.choice(ids),
                        filed_on=filed,
                        granted_on=granted,
                        legal_status=("granted" if granted else "pending")
                        if rng.random() < 0.9
                        else "lapsed",
                    )
                )
                if len(patents) == BATCH:
                    Patent.objects.bulk_create(patents)
                    patents = []
            Patent.objects.bulk_create(patents)
            DisputeCase.objects.bulk_create(
                (
                    DisputeCase(
                        case_number=f"BENCH-{i:05d}",
                        accepted_on=(accepted := _day(rng)),
                        closed_on=accepted + timedelta(days=60),
                        outcome=rng.choice(["mediated", "withdrawn", "pending"]),
                    )
                    for i in range(2_000)
                ),
                batch_size=BATCH,
            )
        projects = []
        for i in range(PROJECTS):
            applied = _day(rng)
            approved = applied + timedelta(days=90) if rng.random() < 0.6 else None
            projects.append(
                Project(
                    number=f"BENCH-P{i:06d}",
                    name="基准测试项目",
                    category=rng.choice(categories),
                    undertaker="基准测试企业",
                    enterprise_id=rng.choice(ids),
                    applied_on=applied,
                    status="approved" if approved else "applied",
                    approved_on=approved,
                    funding=rng.randrange(5, 200) if approved else None,
                )
            )
        Project.objects.bulk_create(projects, batch_size=BATCH)
        TechContract.objects.bulk_create(
            (
                TechContract(
                    registration_no=f"BENCH-C{i:06d}",
                    name="技术开发合同",
                    kind=rng.choice(["development", "transfer", "service"]),
                    seller="基准高校",
                    buyer="基准测试企业",
                    amount=rng.randrange(1, 500),
                    registered_on=_day(rng),
                )
                for i in range(CONTRACTS)
            ),
            batch_size=BATCH,
        )
        AuctionDeal.objects.bulk_create(
            (
                AuctionDeal(
                    achievement=f"基准成果{i:05d}",
                    winner="基准测试企业",
                    enterprise_id=rng.choice(ids),
                    amount=rng.randrange(10, 500),
                    dealt_on=_day(rng),
                )
                for i in range(2_000)
            ),
            batch_size=BATCH,
        )
        Expert.objects.bulk_create(
            (
                Expert(
                    name=f"专家{i:04d}",
                    employer="基准高校",
                    title="senior",
                    specialties="机械制造",
                    mobile=f"139{i:08d}",
                    entered_on=_day(rng),
                )
                for i in range(experts)
            ),
            batch_size=BATCH,
        )
        SeismicActivity.objects.bulk_create(
            (
                SeismicActivity(
                    name=f"基准活动{i:05d}",
                    kind=rng.choice(["publicity", "drill", "training"]),
                    held_on=_day(rng),
                    participants=rng.randrange(10, 5_000),
                    materials=rng.randrange(0, 500),
                )
                for i in range(3_000)
            ),
            batch_size=BATCH,
        )


def measure() -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from enterprises.models import Enterprise
    from projects.models import Project, TechContract
    from reports import registry
    from reports.services import compute_indicators

    try:
        from patents.models import Patent

        patents = Patent.objects.count()
    except ImportError:
        patents = 0
    indicators = registry.all_indicators()
    compute_indicators(YEAR - 1)  # the previous year's snapshot exists, as in production
    timings, full = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            registry.compute_all(YEAR, indicators)
        timings.append(time.perf_counter() - start)
        query_count = len(queries)
        start = time.perf_counter()
        compute_indicators(YEAR)
        full.append(time.perf_counter() - start)
        reset_queries()
    return {
        "engine": connection.vendor,
        "rows": {
            "enterprises": Enterprise.objects.count(),
            "patents": patents,
            "projects": Project.objects.count(),
            "contracts": TechContract.objects.count(),
        },
        "indicators": len(indicators),
        "queries": query_count,
        "aggregate_median_s": statistics.median(timings),
        "aggregate_best_s": min(timings),
        "snapshot_median_s": statistics.median(full),
    }


def child() -> None:
    setup_django()
    generate()
    print(json.dumps(measure()))


def main() -> None:
    results = []
    targets = [("SQLite", sqlite_url("reports"), 5.0)]
    pg = postgres_url("kejiju_bench_reports")
    if pg:
        targets.insert(0, ("PostgreSQL", pg, 2.0))
    else:
        print("PostgreSQL not reachable: measuring SQLite only")
    for name, url, limit in targets:
        data = json.loads(run_child(Path(__file__), url).strip().splitlines()[-1])
        data["name"], data["limit"] = name, limit
        results.append(data)
        verdict = "ok" if data["snapshot_median_s"] < limit else "TOO SLOW"
        print(
            f"{name:<10} {data['indicators']} indicators, {data['queries']} queries; "
            f"aggregates median {data['aggregate_median_s']:.3f} s, "
            f"snapshot (aggregates + store) median {data['snapshot_median_s']:.3f} s "
            f"(limit {limit:.0f} s: {verdict}); rows {data['rows']}"
        )
    print(f"machine: {machine()}; date: {today()}")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
