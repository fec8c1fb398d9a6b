"""Importing 50,000 new patent rows from xlsx through ``import_sheet`` (issue 3: at least 2,000
rows/s on SQLite and on PostgreSQL, peak memory under 300 MB), beside django-import-export's
default row-by-row import of the same rows (a 2,000-row sample), measured in the same run.

    .venv/bin/python bench/bench_patent_import.py [--rows 50000] [--sample 2000]

Each database is recreated empty for the run: SQLite ``var/bench/patents_import.sqlite3`` and
PostgreSQL ``kejiju_bench_patents`` (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432).
``import_sheet`` runs as its own process under ``/usr/bin/time -v``: rows/s is rows divided by the
command's wall time (start-up included) and the peak memory is its maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "kejiju_bench_patents"
PYTHON = sys.executable


def check_character(body: str) -> str:
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    r = sum(int(d) * weights[i % 8] for i, d in enumerate(body)) % 11
    return "X" if r == 10 else str(r)


def rows(count: int, first_serial: int):
    """Deterministic patent rows as the bureau's sheet has them (Chinese labels, mixed dates)."""
    kinds = [("1", "发明"), ("2", "实用新型"), ("3", "外观设计")]
    for i in range(count):
        digit, label = kinds[i % 3]
        year = 2015 + i % 9
        body = f"{year}{digit}{first_serial + i:07d}"
        filed = date(year, 1, 1) + timedelta(days=i % 360)
        granted = filed + timedelta(days=200) if i % 4 else None
        yield [
            f"{body}.{check_character(body)}",
            f"一种基准测试装置{i}",
            label if i % 2 else "",
            f"瑞安市基准测试企业{i % 5000:04d}有限公司",
            "",
            filed if i % 5 else f"{filed.year}/{filed.month}/{filed.day}",
            granted,
            "授权" if granted else "审中",
        ]


HEADERS = [
    "申请号",
    "专利名称",
    "专利类型",
    "申请人",
    "申请人统一社会信用代码",
    "申请日",
    "授权公告日",
    "法律状态",
]


def write_xlsx(path: Path, count: int, first_serial: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("专利")
    sheet.append(HEADERS)
    for row in rows(count, first_serial):
        sheet.append(row)
    workbook.save(path)


def env_for(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="kejiju.settings",
        KEJIJU_VAR_DIR=str(WORK / "var"),
    )
    env.pop("CELERY_BROKER_URL", None)
    return env


def fresh_database(kind: str) -> str:
    if kind == "sqlite":
        path = WORK / "patents_import.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg2

        connection = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
            cursor.execute(f'CREATE DATABASE "{PG_NAME}"')
        connection.close()
        url = f"{PG_SERVER}/{PG_NAME}"
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env_for(url), check=True
    )
    return url


def timed_import(url: str, path: Path) -> dict:
    command = ["/usr/bin/time", "-v", PYTHON, "manage.py", "import_sheet", "patents", str(path)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env_for(url), capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr[-3000:])
        raise SystemExit("import_sheet failed")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return {
        "seconds": round(wall, 2),
        "peak_mb": round(rss_kb / 1024, 1),
        "output": result.stdout.strip(),
    }


BASELINE = r'''
import sys, time, tablib
import django
django.setup()
from import_export import resources
from import_export.fields import Field
from patents.models import Patent

class DefaultPatentResource(resources.ModelResource):
    """django-import-export with its defaults: one instance lookup and one save per row."""
    class Meta:
        model = Patent
        import_id_fields = ("application_number",)
        fields = ("application_number", "title", "kind", "applicants", "filed_on", "granted_on", "legal_status")

path = sys.argv[1]
start = time.perf_counter()
dataset = tablib.Dataset().load(open(path, "rb").read(), format="xlsx")
result = DefaultPatentResource().import_data(dataset, dry_run=False, raise_errors=True)
seconds = time.perf_counter() - start
assert not result.has_errors() and not result.has_validation_errors()
print(len(dataset), seconds, Patent.objects.count())
'''


def write_baseline_xlsx(path: Path, count: int, first_serial: int) -> None:
    """The same rows in the shape the default resource reads (field names, codes, ISO dates)."""
    from openpyxl import Workbook

    codes = {"发明": "invention", "实用新型": "utility", "外观设计": "design", "": None}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(
        [
            "application_number",
            "title",
            "kind",
            "applicants",
            "filed_on",
            "granted_on",
            "legal_status",
        ]
    )
    for number, title, label, applicant, _code, filed, granted, status in rows(count, first_serial):
        digit = number[4]
        kind = codes[label] or {"1": "invention", "2": "utility", "3": "design"}[digit]
        if isinstance(filed, str):
            y, m, d = (int(x) for x in filed.split("/"))
            filed = date(y, m, d)
        sheet.append(
            [
                number,
                title,
                kind,
                applicant,
                filed.isoformat(),
                granted.isoformat() if granted else None,
                "granted" if status == "授权" else "pending",
            ]
        )
    workbook.save(path)


def timed_baseline(url: str, path: Path) -> dict:
    start = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-c", BASELINE, str(path)],
        cwd=ROOT,
        env=env_for(url),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr[-3000:])
        raise SystemExit("baseline failed")
    count, seconds, _ = result.stdout.split()
    return {
        "rows": int(count),
        "seconds": round(float(seconds), 2),
        "process_seconds": round(time.perf_counter() - start, 2),
    }


def machine() -> str:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, nproc {os.cpu_count()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    big = WORK / f"patents_{args.rows}.xlsx"
    write_xlsx(big, args.rows, 1_000_000)
    sample = WORK / f"patents_baseline_{args.sample}.xlsx"
    write_baseline_xlsx(sample, args.sample, 5_000_000)
    ours_sample = WORK / f"patents_sample_{args.sample}.xlsx"
    write_xlsx(ours_sample, args.sample, 5_000_000)
    report = {
        "date": datetime.now().strftime("%Y-%m-%d"),
        "machine": machine(),
        "rows": args.rows,
        "results": {},
    }
    for kind in args.databases.split(","):
        url = fresh_database(kind)
        ours = timed_import(url, big)
        again = timed_import(url, big)  # the same file again: every row matched, nothing written
        url = fresh_database(kind)
        baseline = timed_baseline(url, sample)
        url = fresh_database(kind)
        ours_small = timed_import(url, ours_sample)
        report["results"][kind] = {
            "import_sheet_50k": {**ours, "rows_per_s": round(args.rows / ours["seconds"])},
            "import_sheet_50k_again": {**again, "rows_per_s": round(args.rows / again["seconds"])},
            "import_sheet_sample": {
                **ours_small,
                "rows_per_s": round(args.sample / ours_small["seconds"]),
            },
            "default_resource_sample": {
                **baseline,
                "rows_per_s": round(baseline["rows"] / baseline["seconds"]),
            },
        }
        print(kind, json.dumps(report["results"][kind], ensure_ascii=False), flush=True)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
