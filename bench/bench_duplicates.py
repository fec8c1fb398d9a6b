"""The duplicate-application check (查重): one application's name and summary against 20,000
projects of the last three years (issue 18: under 1 s on PostgreSQL and on SQLite).

    .venv/bin/python bench/bench_duplicates.py          # both databases, prints the figures

PostgreSQL answers with pg_trgm's % operator over GIN trigram indexes and computes the similarity
of the rows it returns; SQLite reads the names and summaries and computes the same measure in
Python (projects/screening/similarity.py). The projects are generated once with bulk_create into
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
# Filler text drawn from common characters: real summaries share few passages beyond the subject.
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子"
    "说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机"
    "当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心"
    "反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程"
    "展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期"
    "根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志"
)
SENTENCES = [
    "项目针对{s}行业的{f}问题，开展{t}{s}的{a}。",
    "采用{f}方案，整机效率提升{n}%以上，成本降低{m}%。",
    "项目实施后预计新增销售收入{k}万元，{f}。",
    "建设{s}中试线一条，{f}，形成年产{k}台（套）的生产能力。",
]


def filler(rng: random.Random) -> str:
    return "".join(rng.choice(COMMON) for _ in range(rng.randint(20, 40)))


def text(rng: random.Random) -> tuple[str, str]:
    s, a, t = rng.choice(SUBJECTS), rng.choice(ACTIONS), rng.choice(TRAITS)
    name = f"{t}{s}{a}"
    summary = "".join(
        sentence.format(
            s=s,
            a=a,
            t=t,
            f=filler(rng),
            n=rng.randint(3, 30),
            m=rng.randint(3, 30),
            k=rng.randint(100, 9000),
        )
        for sentence in rng.sample(SENTENCES, 3)
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
    from projects.screening import services

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
