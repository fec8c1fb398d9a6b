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


def maintain() -> None:
    """The state autovacuum keeps live tables in (it is off on the shared server): fresh
    statistics, without which the planner reads 5,000 candidates by nested loops."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE experts_expert, experts_expertspecialty, experts_relation, "
                "experts_draw, experts_drawmember, experts_drawexclusion"
            )


PHASES = {
    "SELECT experts_drawpolicy": "policy in force",
    "SELECT experts_draw": "earlier draw of the step (locked)",
    "SELECT experts_specialty": "specialties",
    "SELECT experts_expert": "read 5,000 candidates",
    "SELECT experts_relation": "read relations",
    "INSERT experts_draw": "write the record with its pool",
    "INSERT experts_draw_applicants": "write applicants",
    "INSERT experts_drawexclusion": "write 200 exclusions",
    "INSERT experts_drawmember": "write 7 places",
}


def breakdown(draw_once, runs: int) -> dict[str, float]:
    """Median time of each phase of a draw: every SQL statement by table, the commit, the
    selection, and the Python around them (rows to ids, rules, building the rows written)."""
    from django.db import connection

    from experts import draw as method

    spent: dict[str, float] = {}

    def timed(label, call, *args):
        started = time.perf_counter()
        try:
            return call(*args)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

    def statement(execute, sql, params, many, context):
        words = sql.split('"')
        key = f"{words[0].split()[0]} {words[1]}" if len(words) > 1 else sql.split()[0]
        return timed(PHASES.get(key, key), execute, sql, params, many, context)

    select, commit = method.select, connection.commit
    method.select = lambda *args: timed("selection (HMAC ranking of 4,800 ids)", select, *args)
    connection.commit = lambda: timed("commit", commit)
    phases: dict[str, list[float]] = {}
    try:
        with connection.execute_wrapper(statement):
            for run in range(runs):
                spent.clear()
                started = time.perf_counter()
                draw_once(f"phases-{run}")
                total = time.perf_counter() - started
                spent["Python: rows, rules, objects"] = total - sum(spent.values())
                for label, seconds in spent.items():
                    phases.setdefault(label, []).append(seconds)
    finally:
        method.select = select
        del connection.commit
    return {label: statistics.median(times) * 1000 for label, times in phases.items()}


def child() -> None:
    setup_django()
    generate()
    maintain()
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

    def draw_once(run):
        return services.draw_experts(
            purpose="enterprise_review",
            subject=f"基准测试 {time.time_ns()}-{run}",
            step="专家评审",
            criteria=criteria,
            requested_by=user,
            supervisor="监督人",
            applicants=[applicant],
        )

    durations, excluded = [], None
    for run in range(RUNS):
        started = time.perf_counter()
        record = draw_once(run)
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
                "phases_ms": breakdown(draw_once, RUNS),
                "load": [f"{figure:.2f}" for figure in os.getloadavg()],
            }
        )
    )


def main() -> None:
    load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
    print(f"machine: {machine()}; date: {today()}; load average {load}")
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
            f"eligible {figures['pool']}, excluded {figures['excluded']}; "
            f"load average after {' '.join(figures['load'])}"
        )
        phases = sorted(figures["phases_ms"].items(), key=lambda phase: -phase[1])
        print(f"  phases (median of {RUNS} more draws, timed one by one):")
        for phase, ms in phases:
            print(f"    {ms:6.2f} ms  {phase}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
