"""The daily reminder job over a large county: 20,000 enterprises (one user each), 40,000
qualifications, 20,000 projects. Prints the time and the number of queries of the first run
(which tells what is due) and of a second run the same day (which finds everything told).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kejiju_bench_reminders \\
        .venv/bin/python bench/bench_reminders.py

Without DATABASE_URL it uses a SQLite file under var/bench/. The data set is seeded once (a
second invocation reuses it and first deletes the notifications the previous one wrote)."""

from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kejiju.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'reminders.sqlite3'}")
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
os.environ.setdefault("KEJIJU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ENTERPRISES, QUALIFICATIONS, PROJECTS = 20_000, 40_000, 20_000
TODAY = date(2026, 12, 7)


def seed() -> None:
    from enterprises.models import Enterprise, Qualification
    from kejiju.choices import Level, Role, Section
    from kejiju.codes import make_credit_code
    from kejiju.models import PlanCategory, Town, User
    from projects.models import Project

    if Enterprise.objects.count() >= ENTERPRISES:
        return
    town = Town.objects.first()
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=make_credit_code(100_000 + i), name=f"压测企业{i:05d}", town=town
            )
            for i in range(ENTERPRISES)
        ],
        batch_size=2000,
    )
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    User.objects.bulk_create(
        [
            User(
                username=f"bench{i:05d}",
                role=Role.ENTERPRISE,
                enterprise_id=pk,
                email=f"bench{i:05d}@example.com" if i % 5 == 0 else "",
                password="!",
            )
            for i, pk in enumerate(ids)
        ],
        batch_size=2000,
    )
    User.objects.bulk_create(
        [
            User(username=f"benchstaff{i}", role=Role.STAFF, section=s, password="!")
            for i, s in enumerate([Section.HIGH_TECH] * 5 + [Section.SEISMIC] * 3)
        ]
    )
    # two qualifications per enterprise; every 20th ends within the next 90 days, every 40th
    # ended in the last month, the rest later
    rows = []
    for i, pk in enumerate(ids):
        for j, kind in enumerate(("hnte", "tech_sme")):
            n = 2 * i + j
            if n % 20 == 0:
                ends = TODAY + timedelta(days=n % 90)
            elif n % 40 == 1:
                ends = TODAY - timedelta(days=1 + n % 25)
            else:
                ends = TODAY + timedelta(days=200 + n % 700)
            level = Level.NATIONAL if kind == "hnte" else Level.PROVINCIAL
            rows.append(
                Qualification(
                    enterprise_id=pk,
                    kind=kind,
                    level=level,
                    recognized_on=ends - timedelta(days=1000),
                    valid_until=ends,
                )
            )
    Qualification.objects.bulk_create(rows, batch_size=4000)
    category = PlanCategory.objects.get(code="industrial")
    projects = []
    for i, pk in enumerate(ids[:PROJECTS]):
        # every 25th ended 1–60 days ago, every 25th more than three months ago, the rest run on
        if i % 25 == 0:
            ends = TODAY - timedelta(days=1 + i % 60)
        elif i % 25 == 1:
            ends = TODAY - timedelta(days=100 + i % 200)
        else:
            ends = TODAY + timedelta(days=30 + i % 700)
        projects.append(
            Project(
                number=f"YC{i:06d}",
                name=f"压测项目{i}",
                category=category,
                undertaker=f"压测企业{i:05d}",
                enterprise_id=pk,
                applied_on=ends - timedelta(days=900),
                status="approved",
                stage="executing",
                starts_on=ends - timedelta(days=800),
                ends_on=ends,
            )
        )
    Project.objects.bulk_create(projects, batch_size=4000)


def measure(label: str):
    from kejiju.notifications.daily import run_daily

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        outcome = run_daily(TODAY)
        seconds = time.perf_counter() - started
    print(
        f"{label}: {seconds:.2f} s, {len(queries)} queries, {len(outcome.due)} items due, "
        f"{outcome.created} notifications written, {outcome.digests} digests"
    )
    return seconds, len(queries), outcome


def main() -> None:
    from kejiju.notifications.models import Notification

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed()
    print(f"{connection.vendor}: data set ready in {time.perf_counter() - started:.1f} s")
    Notification.objects.all().delete()
    measure("first run")
    second = measure("second run, same day")
    assert second[2].created == 0, "the second run wrote notifications"
    # reading is a fixed number of queries (the second run only reads); writing goes in batches
    assert second[1] < 60, "the reading queries grew with the records"


if __name__ == "__main__":
    main()
