"""The site search (/search/): one call of ``kejiju.search.results_for`` as bureau staff (every
kind: enterprises, projects, patents, experts) on the demo county.

    DATABASE_URL=… .venv/bin/python bench/bench_search.py     # the database must hold the demo

Prints the median and the slowest of 20 runs for each query, and the rows in the database.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kejiju.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from enterprises.models import Enterprise  # noqa: E402
from experts.models import Expert  # noqa: E402
from kejiju.choices import Role  # noqa: E402
from kejiju.models import User  # noqa: E402
from kejiju.search import results_for  # noqa: E402
from patents.models import Patent  # noqa: E402
from projects.models import Project  # noqa: E402

RUNS = 20
QUERIES = ["瑞安", "科技有限公司", "91330381", "2023", "一种", "张", "zz-no-such-thing"]


def main() -> None:
    staff = User.objects.filter(role=Role.STAFF).first()
    sizes = {m.__name__: m.objects.count() for m in (Enterprise, Project, Patent, Expert)}
    print(f"database: {connection.vendor}; rows: {sizes}")
    for q in QUERIES:
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            groups = results_for(staff, q)
            times.append((time.perf_counter() - start) * 1000)
        found = {g.kind: g.total for g in groups}
        print(
            f"{q!r:22} median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms  {found}"
        )


if __name__ == "__main__":
    main()
