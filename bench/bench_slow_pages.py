"""Time and query count of three pages on a demo database: the expert list (pinyin order),
the 防震减灾 overview and the patent statistics (as a 局领导).

    DATABASE_URL=sqlite:////tmp/perf.sqlite3 .venv/bin/python bench/bench_slow_pages.py [--runs 5]

Load the database first (``manage.py migrate && manage.py load_demo``). "Time" is the time the
test client takes to produce the response in-process: the first request of the process (templates
compiled, caches empty), then the median of the other runs (max in brackets).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kejiju.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kejiju.accounts.testing import mark_verified, needs_second_factor  # noqa: E402
from kejiju.choices import Role, Section  # noqa: E402
from kejiju.models import User  # noqa: E402

PAGES = [
    ("/experts/", Role.STAFF, Section.HIGH_TECH),
    ("/seismic/", Role.STAFF, Section.SEISMIC),
    ("/patents/statistics/", Role.LEADER, ""),
]


def client_for(role, section) -> Client:
    user, _ = User.objects.get_or_create(
        username=f"bench-{role}-{section or 'none'}",
        defaults={"role": role, "section": section},
    )
    client = Client()
    client.force_login(user)
    if needs_second_factor(user):
        mark_verified(client, user)
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    for url, role, section in PAGES:
        client = client_for(role, section)
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        warm = times[1:] or times
        print(
            f"{url:24} first {times[0]:7.3f} s, then median {statistics.median(warm):7.3f} s"
            f" ({max(warm):.3f} s)  {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
