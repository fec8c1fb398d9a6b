"""The duplicate-application check (查重): one application's name and summary against 20,000
projects of the last three years (issue 18: under 1 s on PostgreSQL and on SQLite).

    .venv/bin/python bench/bench_duplicates.py          # both databases, prints the figures

PostgreSQL answers with pg_trgm's % operator over GIN trigram indexes and computes the similarity
of the rows it returns; SQLite reads the names and summaries and computes the same measure in
Python (screening/similarity.py). The projects are generated once with bulk_create into
dedicated databases (PostgreSQL ``kejiju_bench_duplicates``, SQLite
``var/bench/duplicates.sqlite3``) and reused by later runs. A run times ``find_similar`` and the
whole ``check_duplicates`` (which also writes the pairs, rolled back afterwards).
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

PROJECTS = 20_000
RUNS = 5
BATCH = 5_000

SUBJECTS = "永磁同步电机 汽车安全气囊 智能阀门 激光切割头 新能源电池包 数控机床主轴 无纺布 生物降解塑料 光伏逆变器 伺服驱动器 塑料包装膜 工业机器人关节 鞋材发泡 精密轴承 LED驱动电源 医用敷料".split()
ACTIONS = (
    "关键技术研发 产业化 智能化改造 工艺优化 国产化替代 检测平台建设 数字化车间 轻量化设计".split()
)
TRAITS = "高效 低噪声 高可靠性 节能型 一体化 模块化 高精度 环保型".split()
SENTENCES = [
    "项目针对{s}行业长期依赖进口的问题，开展{t}{s}的{a}。",
    "采用自主设计的控制算法与结构方案，整机效率提升{n}%以上，成本降低{m}%。",
    "项目实施后预计新增销售收入{k}万元，申请发明专利{p}件。",
    "建设{s}中试线一条，形成年产{k}台（套）的生产能力。",
    "与温州大学、浙江工业大学开展产学研合作，培养技术骨干{p}名。",
]


def text(rng: random.Random) -> tuple[str, str]:
    s, a, t = rng.choice(SUBJECTS), rng.choice(ACTIONS), rng.choice(TRAITS)
    name = f"{t}{s}{a}"
    summary = "".join(
        sentence.format(
            s=s,
            a=a,
            t=t,
            n=rng.randint(3, 30),
            m=rng.randint(3, 30),
            k=rng.randint(100, 9000),
            p=rng.randint(1, 9),
        )
        for sentence in rng.sample(SENTENCES, 4)
    )
    return name, summary


def generate() -> None:
    from django.core.management import call_command
    from django.db import transaction

    from kejiju.models import PlanCategory
    from projects.models import Project

    call_command("migrate", verbosity=0)
    if Project.objects.count() >= PROJECTS:
        return
    rng = random.Random(18)
    categories = list(PlanCategory.objects.all())
    start = date.today() - timedelta(days=3 * 365 - 30)
    rows = []
    for i in range(PROJECTS):
        name, summary = text(rng)
        rows.append(
            Project(
                number=f"BENCH-{i:06d}",
                name=name,
                summary=summary,
                category=rng.choice(categories),
                undertaker=f"瑞安测试企业{i % 3000:04d}有限公司",
                applied_on=start + timedelta(days=rng.randrange(3 * 365 - 60)),
                status="approved",
            )
        )
    with transaction.atomic():
        Project.objects.bulk_create(rows, batch_size=BATCH)


def child() -> None:
    setup_django()
    from django.db import connection, transaction

    from projects.models import Project
    from screening import services

    generate()
    rng = random.Random(99)
    name, summary = text(rng)
    probe = Project(pk=-1, name=name, summary=summary)
    find, check, found = [], [], 0
    for _ in range(RUNS):
        t0 = time.perf_counter()
        with transaction.atomic():
            found = len(services.find_similar(probe))
        find.append(time.perf_counter() - t0)
    application = Project.objects.order_by("pk").first()
    for _ in range(RUNS):
        with transaction.atomic():
            t0 = time.perf_counter()
            pairs = services.check_duplicates(application, during="基准测试")
            check.append(time.perf_counter() - t0)
            transaction.set_rollback(True)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "projects": Project.objects.count(),
                "find_similar_median_s": round(statistics.median(find), 3),
                "find_similar_max_s": round(max(find), 3),
                "matches": found,
                "check_duplicates_median_s": round(statistics.median(check), 3),
                "pairs": len(pairs),
            }
        )
    )


def main() -> None:
    results = []
    for url in (postgres_url("kejiju_bench_duplicates"), sqlite_url("duplicates")):
        if url is None:
            print("PostgreSQL not reachable: skipped")
            continue
        results.append(json.loads(run_child(Path(__file__), url).strip().splitlines()[-1]))
    print(f"{today()} · {machine()}")
    for r in results:
        print(
            f"{r['vendor']}: {r['projects']} projects; find_similar median "
            f"{r['find_similar_median_s']} s (max {r['find_similar_max_s']} s, {r['matches']} "
            f"matches); check_duplicates median {r['check_duplicates_median_s']} s "
            f"({r['pairs']} pairs)"
        )


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
