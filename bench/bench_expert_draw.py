"""One expert draw from a pool of 5,000 experts with 200 of them excluded by avoidance rules
(issue 6: under 50 ms).

    .venv/bin/python bench/bench_expert_draw.py          # PostgreSQL and SQLite, prints figures

The pool is generated once into dedicated databases (PostgreSQL ``kejiju_bench_experts``, SQLite
``var/bench/experts.sqlite3``). Each timed draw is a complete ``draw_experts`` call: the eligible
pool with every exclusion rule, the seeded selection and the append-only record written.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import machine, postgres_url, run_child, setup_django, sqlite_url, today  # noqa: E402

EXPERTS = 5_000
EXCLUDED = 200
RUNS = 30


def generate():
    from django.core.management import call_command
    from django.db import transaction

    from enterprises.models import Enterprise
    from experts.models import Expert, ExpertSpecialty, Relation, Specialty
    from kejiju.codes import make_credit_code
    from kejiju.models import Town, User

    call_command("migrate", verbosity=0)
    if Expert.objects.count() >= EXPERTS:
        return
    with transaction.atomic():
        root = Specialty.objects.create(name="工业与制造")
        leaf = Specialty.objects.create(name="机械制造", parent=root)
        town = Town.objects.first()
        applicant = Enterprise.objects.create(
            credit_code=make_credit_code(777), name="基准测试企业", town=town
        )
        experts = Expert.objects.bulk_create(
            Expert(
                name=f"专家{i}",
                employer="温州大学",
                title="senior",
                specialties="机械制造",
                mobile=f"1{i:010d}",
            )
            for i in range(EXPERTS)
        )
        ExpertSpecialty.objects.bulk_create(
            ExpertSpecialty(expert=e, specialty=leaf) for e in experts
        )
        Relation.objects.bulk_create(
            Relation(expert=e, kind="collaboration", enterprise=applicant)
            for e in experts[:EXCLUDED]
        )
        user = User(username="bench-staff", role="staff", section="office")
        user.set_unusable_password()
        user.save()


def child() -> None:
    setup_django()
    generate()
    from experts.models import DrawPolicy

    # every timed draw is for the same applicant: the frequency rules would shrink the pool
    DrawPolicy.objects.update(max_draws_per_year=0, same_applicant_years=0)
    from enterprises.models import Enterprise
    from experts import draw as method
    from experts import services
    from experts.models import Specialty
    from kejiju.models import User

    applicant = Enterprise.objects.get(name="基准测试企业")
    user = User.objects.get(username="bench-staff")
    criteria = services.Criteria(
        specialties=[Specialty.objects.get(name="工业与制造").pk], main=5, backups=2
    )
    durations, excluded = [], None
    for run in range(RUNS):
        started = time.perf_counter()
        record = services.draw_experts(
            purpose="enterprise_review",
            subject=f"基准测试 {time.time_ns()}-{run}",
            step="专家评审",
            criteria=criteria,
            requested_by=user,
            supervisor="监督人",
            applicants=[applicant],
        )
        durations.append(time.perf_counter() - started)
        excluded = record.exclusions.count()
    pool = record.pool
    started = time.perf_counter()
    for _ in range(RUNS):
        method.select(method.new_seed(), pool, 5, 2)
    select_ms = (time.perf_counter() - started) / RUNS * 1000
    print(
        json.dumps(
            {
                "median_ms": statistics.median(durations) * 1000,
                "p95_ms": sorted(durations)[int(RUNS * 0.95) - 1] * 1000,
                "first_ms": durations[0] * 1000,
                "select_ms": select_ms,
                "pool": len(pool),
                "excluded": excluded,
            }
        )
    )


def main() -> None:
    print(f"machine: {machine()}; date: {today()}; load average {os.getloadavg()[0]:.1f}")
    for label, url in (
        ("PostgreSQL", postgres_url("kejiju_bench_experts")),
        ("SQLite", sqlite_url("experts")),
    ):
        if url is None:
            print(f"{label}: not reachable, skipped")
            continue
        figures = json.loads(run_child(Path(__file__), url).strip().splitlines()[-1])
        print(
            f"{label}: draw median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"first {figures['first_ms']:.1f} ms; selection alone {figures['select_ms']:.2f} ms; "
            f"eligible {figures['pool']}, excluded {figures['excluded']}"
        )


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
