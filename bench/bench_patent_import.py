"""Importing 50,000 new patent rows through ``import_sheet``, beside django-import-export 4.4's
tuned bulk resource on the same rows, measured in the same run. The target (issue): on SQLite and
on PostgreSQL, ``import_sheet`` of the .xlsx at ≥ 3× the baseline's rows/s with peak memory under
300 MB, and the same rows as .xls and as .ods imported within 1.5× the .xlsx time.

    .venv/bin/python bench/bench_patent_import.py [--rows 50000] [--databases sqlite,postgresql]

One deterministic set of rows (Chinese headers, mixed date cells and ``2023/5/1`` text, blank
专利类型 derived from the number) is written as .xlsx (openpyxl, write-only), .xls and .ods
(``kejiju.tests.office``). For each database, every measured import starts from an empty, migrated
database: SQLite ``var/bench/patents_import.sqlite3`` and PostgreSQL ``kejiju_bench_patents``
(BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432). Measured, each as its own process under
``/usr/bin/time -v``:

* ``manage.py import_sheet patents FILE`` for the .xlsx, then the same .xlsx again on the same
  database (every row matched, nothing written); then the .xls and the .ods. A file the command
  refuses is recorded as ``refused: <message>``.
* the baseline: a ``ModelResource`` for ``Patent`` with ``use_bulk``, ``batch_size = 1000``,
  ``skip_diff`` and ``force_init_instance``, its fields named by the sheet's headers, reading the
  same .xlsx with tablib and importing all its rows with ``import_data``.

Rows/s is the rows divided by the wall time of the whole process (start-up and reading the file
included on both sides); peak memory is the process's maximum resident set size. After each import
an unmeasured process counts the stored patents (and their history rows) and checks a few rows'
dates against the generator (the baseline stores the cells as read: 专利类型 and 法律状态 as
their labels, a blank 专利类型 as "", and no history rows, its bulk inserts sending no signals).
The machine, the date and the load average (``uptime``) before and after are printed with a JSON
summary and a markdown table.
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "kejiju_bench_patents"
PYTHON = sys.executable
FIRST_SERIAL = 1_000_000
FORMATS = ("xlsx", "xls", "ods")


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


def write_sheets(count: int) -> dict[str, Path]:
    """The same rows as .xlsx, .xls and .ods; the seconds each took to write are printed."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from kejiju.tests.office import SheetSpec, write_ods, write_xls

    paths = {suffix: WORK / f"patents_{count}.{suffix}" for suffix in FORMATS}
    start = time.perf_counter()
    write_xlsx(paths["xlsx"], count, FIRST_SERIAL)
    print(f"wrote {paths['xlsx'].name} in {time.perf_counter() - start:.1f} s", flush=True)
    table = [HEADERS, *rows(count, FIRST_SERIAL)]
    for suffix, write in (("xls", write_xls), ("ods", write_ods)):
        start = time.perf_counter()
        write(paths[suffix], [SheetSpec("专利", table)], active=0)
        print(f"wrote {paths[suffix].name} in {time.perf_counter() - start:.1f} s", flush=True)
    return paths


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


def timed(command: list[str], url: str) -> dict:
    """Runs the command as its own process under /usr/bin/time -v: wall time and peak RSS."""
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        cwd=ROOT,
        env=env_for(url),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    own, _, stats = result.stderr.partition("\tCommand being timed:")
    own = own.split("Command exited with non-zero status")[0]
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stats).group(1))
    return {
        "returncode": result.returncode,
        "seconds": round(wall, 2),
        "peak_mb": round(rss_kb / 1024, 1),
        "stdout": result.stdout.strip(),
        "stderr": own.strip(),
    }


def import_sheet(url: str, path: Path, count: int) -> dict | str:
    """The measured command; ``refused: <message>`` if it does not import the file."""
    run = timed([PYTHON, "manage.py", "import_sheet", "patents", str(path)], url)
    if run["returncode"] != 0:
        lines = [line for line in run["stderr"].splitlines() if line.strip()]
        message = lines[-1].removeprefix("CommandError: ") if lines else "(no message)"
        return f"refused: {message[:300]}"
    return {
        "seconds": run["seconds"],
        "rows_per_s": round(count / run["seconds"]),
        "peak_mb": run["peak_mb"],
        "output": run["stdout"],
    }


BASELINE = r'''
import sys

import django

django.setup()

import tablib
from import_export import resources, widgets
from import_export.fields import Field

from patents.models import Patent


class TunedPatentResource(resources.ModelResource):
    """django-import-export's bulk import, with the options its documentation gives for speed."""

    # The fields of the default resource, named by the sheet's headers; the text dates
    # (2023/5/1) need their format, the date cells are read as dates by tablib.
    application_number = Field(attribute="application_number", column_name="申请号")
    title = Field(attribute="title", column_name="专利名称")
    # A blank 专利类型 cell is read as None; stored as "" (the column is NOT NULL).
    kind = Field(
        attribute="kind", column_name="专利类型", widget=widgets.CharWidget(allow_blank=True)
    )
    applicants = Field(attribute="applicants", column_name="申请人")
    filed_on = Field(
        attribute="filed_on", column_name="申请日", widget=widgets.DateWidget("%Y/%m/%d")
    )
    granted_on = Field(
        attribute="granted_on", column_name="授权公告日", widget=widgets.DateWidget("%Y/%m/%d")
    )
    legal_status = Field(attribute="legal_status", column_name="法律状态")

    class Meta:
        model = Patent
        fields = (
            "application_number", "title", "kind", "applicants", "filed_on", "granted_on",
            "legal_status",
        )
        import_id_fields = ("application_number",)
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        force_init_instance = True


with open(sys.argv[1], "rb") as f:
    dataset = tablib.Dataset().load(f.read(), format="xlsx")
result = TunedPatentResource().import_data(dataset, dry_run=False, raise_errors=True)
assert not result.has_errors() and not result.has_validation_errors()
print(f"{len(dataset)} row(s), {result.totals['new']} new")
'''


def baseline(url: str, path: Path, count: int) -> dict:
    run = timed([PYTHON, "-c", BASELINE, str(path)], url)
    if run["returncode"] != 0:
        sys.stderr.write(run["stdout"] + run["stderr"][-3000:])
        raise SystemExit("the django-import-export baseline failed")
    return {
        "seconds": run["seconds"],
        "rows_per_s": round(count / run["seconds"]),
        "peak_mb": run["peak_mb"],
        "output": run["stdout"],
    }


VERIFY = r"""
import json, sys
from datetime import date

import django

django.setup()
from django.db.models import Count

from patents.models import Patent

expected = json.loads(sys.argv[1])
stored = {
    p.title: p for p in Patent.objects.filter(title__in=[e["title"] for e in expected])
}
wrong = [
    e["title"]
    for e in expected
    if e["title"] not in stored
    or stored[e["title"]].filed_on != date.fromisoformat(e["filed"])
    or stored[e["title"]].granted_on
    != (date.fromisoformat(e["granted"]) if e["granted"] else None)
]
counted = lambda field: dict(
    Patent.objects.values_list(field).annotate(n=Count("id")).order_by(field)
)
print(json.dumps({
    "patents": Patent.objects.count(),
    "history_rows": Patent.history.count(),
    "kind": counted("kind"),
    "legal_status": counted("legal_status"),
    "rows_checked": len(expected),
    "rows_wrong": wrong,
}, ensure_ascii=False))
"""


def expected_rows(count: int) -> list[dict]:
    """A few rows of the generator (both date shapes, with and without a grant) to check."""
    picks = {0, 1, 2, 3, 4, 5, count // 2, count - 1}
    out = []
    for i, row in enumerate(rows(count, FIRST_SERIAL)):
        if i in picks:
            filed = row[5]
            if isinstance(filed, str):
                filed = date(*(int(x) for x in filed.split("/")))
            granted = row[6].isoformat() if row[6] else None
            out.append({"title": row[1], "filed": filed.isoformat(), "granted": granted})
    return out


def verify(url: str, count: int, expected: list[dict]) -> dict:
    result = subprocess.run(
        [PYTHON, "-c", VERIFY, json.dumps(expected, ensure_ascii=False)],
        cwd=ROOT,
        env=env_for(url),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr[-3000:])
        raise SystemExit("counting the stored patents failed")
    found = json.loads(result.stdout)
    if found["patents"] != count or found["rows_wrong"]:
        print(f"unexpected rows stored: {json.dumps(found, ensure_ascii=False)}", flush=True)
    return found


def machine() -> dict:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    info = {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
    }
    try:
        import psycopg2

        connection = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
        version = connection.server_version
        info["postgresql"] = f"{version // 10000}.{version % 10000}"
        connection.close()
    except Exception:  # noqa: BLE001 - the machine line only
        pass
    return info


def load_average() -> str:
    output = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    return output.split("load average:")[-1].strip()


def measure(kind: str, paths: dict[str, Path], count: int, expected: list[dict]) -> dict:
    out: dict = {}
    checks: dict = {}
    url = fresh_database(kind)
    first = import_sheet(url, paths["xlsx"], count)
    if isinstance(first, str):
        raise SystemExit(f"import_sheet of the .xlsx: {first}")
    out["import_sheet_xlsx"] = first
    checks["import_sheet_xlsx"] = verify(url, count, expected)
    # The same file again: every row matched, nothing written.
    out["import_sheet_xlsx_again"] = import_sheet(url, paths["xlsx"], count)
    for suffix in ("xls", "ods"):
        url = fresh_database(kind)
        out[f"import_sheet_{suffix}"] = result = import_sheet(url, paths[suffix], count)
        if isinstance(result, dict):
            checks[f"import_sheet_{suffix}"] = verify(url, count, expected)
            result["vs_xlsx"] = round(result["seconds"] / first["seconds"], 2)
    url = fresh_database(kind)
    out["baseline_xlsx"] = base = baseline(url, paths["xlsx"], count)
    checks["baseline_xlsx"] = verify(url, count, expected)
    out["import_sheet_vs_baseline"] = round(base["seconds"] / first["seconds"], 2)
    out["stored"] = checks
    return out


def cell(result: dict | str) -> str:
    if isinstance(result, str):
        return result
    text = f"{result['seconds']} s → **{result['rows_per_s']:,} rows/s**, {result['peak_mb']} MB"
    if "vs_xlsx" in result:
        text += f" ({result['vs_xlsx']}× the .xlsx time)"
    return text


def table(report: dict) -> str:
    count = report["rows"]
    lines = [
        f"| database | import_sheet .xlsx, {count:,} new rows | same .xlsx again "
        "| import_sheet .xls | import_sheet .ods "
        f"| django-import-export tuned bulk resource, .xlsx, {count:,} rows "
        "| import_sheet ÷ baseline | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    for kind, r in report["results"].items():
        again = r["import_sheet_xlsx_again"]
        again = (
            again
            if isinstance(again, str)
            else f"{again['seconds']} s ({again['rows_per_s']:,} rows/s)"
        )
        lines.append(
            f"| {names.get(kind, kind)} | {cell(r['import_sheet_xlsx'])} | {again} "
            f"| {cell(r['import_sheet_xls'])} | {cell(r['import_sheet_ods'])} "
            f"| {cell(r['baseline_xlsx'])} | **{r['import_sheet_vs_baseline']}×** "
            "| ≥ 3×, < 300 MB; .xls, .ods ≤ 1.5× .xlsx |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    paths = write_sheets(args.rows)
    expected = expected_rows(args.rows)
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_average_before": load_average(),
        "rows": args.rows,
        "results": {},
    }
    for kind in args.databases.split(","):
        report["results"][kind] = measure(kind, paths, args.rows, expected)
        print(kind, json.dumps(report["results"][kind], ensure_ascii=False), flush=True)
    report["load_average_after"] = load_average()
    print(json.dumps(report, ensure_ascii=False, indent=1))
    print()
    print(table(report))


if __name__ == "__main__":
    main()
