"""Rendering the demo year's annual summary (issue 4: PDF under 5 s and 300 MB peak memory,
the .docx under 2 s).

    .venv/bin/python bench/bench_summary_render.py

The demo county is loaded once into ``var/bench/summary.sqlite3``; each format is then rendered
in a fresh process so that its peak resident memory is the rendering's, not the loading's.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import machine, run_child, setup_django, sqlite_url, today  # noqa: E402

YEAR = 2023
RUNS = 3


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(mode: str) -> None:
    setup_django()
    from django.core.management import call_command

    if mode == "setup":
        call_command("migrate", verbosity=0)
        from reports.models import IndicatorSnapshot

        if not IndicatorSnapshot.objects.filter(year=YEAR).exists():
            call_command("load_demo", "--quiet-logins", verbosity=0)
        print(json.dumps({"ok": True}))
        return

    from reports.render import render

    before = peak_mb()
    timings, size = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        size = len(render(YEAR, mode))
        timings.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "first_s": timings[0],
                "median_s": statistics.median(timings),
                "peak_mb": peak_mb(),
                "peak_before_mb": before,
                "size_kb": size // 1024,
            }
        )
    )


def main() -> None:
    url = sqlite_url("summary")
    run_child(Path(__file__), url, "setup")
    limits = {"pdf": 5.0, "docx": 2.0}
    for fmt, limit in limits.items():
        data = json.loads(run_child(Path(__file__), url, fmt).strip().splitlines()[-1])
        verdict = "ok" if data["first_s"] < limit else "TOO SLOW"
        memory = f", process peak {data['peak_mb']:.0f} MB (before rendering {data['peak_before_mb']:.0f} MB)"
        if fmt == "pdf":
            memory += " — limit 300 MB: " + ("ok" if data["peak_mb"] < 300 else "TOO BIG")
        print(
            f"{fmt:<5} {YEAR}: first {data['first_s']:.2f} s, median of {RUNS} {data['median_s']:.2f} s "
            f"(limit {limit:.0f} s: {verdict}), {data['size_kb']} KB{memory}"
        )
    print(f"machine: {machine()}; date: {today()}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1])
    else:
        main()
