"""The draw record as stored: the published selection method, the pool text and its fingerprint,
records written before the pool was stored as text, and exclusions kept to the candidates."""

import hashlib
import hmac
import random
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from experts import draw as method
from experts import services
from experts.choices import ExclusionRule, RelationKind
from experts.models import Draw, DrawExclusion, Expert, ExpertSpecialty, Relation, Specialty
from kejiju.choices import Role

pytestmark = pytest.mark.django_db
TODAY = date(2024, 6, 1)


def make_experts(n, specialty, *, start):
    experts = []
    for i in range(start, start + n):
        expert = Expert.objects.create(
            name=f"记录专家{i:03d}",
            employer="温州大学",
            title="senior",
            specialties=specialty.name,
            mobile=f"1390000{i:04d}",
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=specialty)
        experts.append(expert)
    return experts


@pytest.fixture
def tree():
    root = Specialty.objects.create(name="电子信息")
    return {
        "root": root,
        "chips": Specialty.objects.create(name="集成电路", parent=root),
        "medicine": Specialty.objects.create(name="生物医药"),
    }


@pytest.fixture
def pool(tree):
    return make_experts(12, tree["chips"], start=0)


def do_draw(user, specialty, **kwargs):
    defaults = {
        "purpose": "project_review",
        "subject": "瑞安测试科技有限公司 科技计划项目",
        "step": "立项评审",
        "criteria": services.Criteria(specialties=[specialty.pk], main=3, backups=2),
        "requested_by": user,
        "supervisor": "纪检组 陈监督",
        "today": TODAY,
    }
    defaults.update(kwargs)
    return services.draw_experts(**defaults)


def published_method(seed: str, pool_ids: list[int], main: int, backups: int):
    """The method as the record states it, written the plainest way."""
    key = bytes.fromhex(seed)
    ranked = sorted(pool_ids, key=lambda i: hmac.digest(key, str(i).encode("ascii"), "sha256"))
    return ranked[:main], ranked[main : main + backups]


def test_the_selection_is_the_published_hmac_ranking():
    rng = random.Random(20241127)
    for _ in range(200):
        seed = rng.randbytes(rng.choice([32, 32, 64, 80])).hex()
        pool_ids = sorted(rng.sample(range(1, 10**6), rng.randint(1, 400)))
        main, backups = rng.randint(0, 7), rng.randint(0, 3)
        assert method.select(seed, pool_ids, main, backups) == published_method(
            seed, pool_ids, main, backups
        )
        assert method.rank(seed, pool_ids)[: main + backups] == sum(
            published_method(seed, pool_ids, main, backups), []
        )


def raw_pool(record: Draw) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pool FROM experts_draw WHERE id = %s", [record.pk])
        return cursor.fetchone()[0]


def test_the_stored_pool_is_the_text_its_fingerprint_is_taken_over(users, tree, pool):
    record = do_draw(users[Role.STAFF], tree["root"])
    stored = raw_pool(record)
    assert stored == ",".join(str(e.pk) for e in sorted(pool, key=lambda e: e.pk))
    assert hashlib.sha256(stored.encode()).hexdigest() == record.pool_fingerprint
    reloaded = Draw.objects.get(pk=record.pk)
    assert reloaded.pool == sorted(e.pk for e in pool)
    assert published_method(record.seed, reloaded.pool, 3, 2) == (record.main, record.backups)


def test_a_record_stored_with_a_json_pool_still_verifies(users, tree, pool, client, login):
    record = do_draw(users[Role.STAFF], tree["root"])
    as_json = "[" + ", ".join(str(i) for i in record.pool) + "]"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE experts_draw SET pool = %s WHERE id = %s", [as_json, record.pk])
    old = Draw.objects.get(pk=record.pk)
    assert old.pool == record.pool
    assert services.verify(old) == (
        True,
        f"按记录的种子和专家池（{len(pool)} 人）重新计算，正选与备选名单与记录完全一致。",
    )
    login(users[Role.STAFF])
    page = client.get(reverse("experts:draw_detail", args=[record.pk])).content.decode()
    assert f"{len(pool)} 人，指纹" in page


def test_every_rule_is_recorded_for_candidates_only(users, tree, pool, enterprise):
    by_name, linked, related = pool[0], pool[1], pool[2]
    by_name.employer = enterprise.name
    by_name.save()
    linked.employer_enterprise = enterprise
    linked.employer = enterprise.name
    linked.save()
    Relation.objects.create(
        expert=related, kind=RelationKind.PREPARATION, enterprise=enterprise, note="编写申报书"
    )
    Relation.objects.create(
        expert=linked,
        kind=RelationKind.COLLABORATION,
        enterprise=enterprise,
        started_on=date(2023, 1, 1),
    )
    outsider = make_experts(1, tree["medicine"], start=100)[0]
    outsider.employer_enterprise = enterprise
    outsider.save()
    Relation.objects.create(expert=outsider, kind=RelationKind.RELATIVE, enterprise=enterprise)

    record = do_draw(users[Role.STAFF], tree["root"], applicants=[enterprise])

    recorded = {(e.expert_id, e.rule, e.detail) for e in DrawExclusion.objects.filter(draw=record)}
    assert recorded == {
        (by_name.pk, ExclusionRule.EMPLOYMENT, f"现工作单位为{enterprise.name}"),
        (linked.pk, ExclusionRule.EMPLOYMENT, "现工作单位为申报单位"),
        (linked.pk, ExclusionRule.COLLABORATION, f"{enterprise.name}（2023-01-01 至 今）"),
        (related.pk, ExclusionRule.PREPARATION, enterprise.name),
    }
    assert set(record.pool) == {e.pk for e in pool[3:]}


def test_earlier_places_exclude_only_experts_among_the_candidates(users, tree, pool, enterprise):
    medicine = make_experts(8, tree["medicine"], start=200)
    first = do_draw(users[Role.STAFF], tree["medicine"], applicants=[enterprise], today=None)
    second = do_draw(
        users[Role.STAFF], tree["root"], applicants=[enterprise], subject="另一项申请", today=None
    )
    assert set(first.main) <= {e.pk for e in medicine}
    assert not DrawExclusion.objects.filter(draw=second).exists()
    assert len(second.pool) == len(pool)


def test_a_draw_takes_the_same_queries_whatever_the_pool_size(
    users, tree, pool, enterprise, django_assert_num_queries
):
    Relation.objects.create(expert=pool[0], kind=RelationKind.RELATIVE, enterprise=enterprise)
    do_draw(users[Role.STAFF], tree["root"], step="预审")
    make_experts(40, tree["chips"], start=300)
    for expert in Expert.objects.order_by("pk")[20:30]:
        Relation.objects.create(expert=expert, kind=RelationKind.RELATIVE, enterprise=enterprise)
    # policy, earlier draw, specialties, candidates, relations, two frequency rules, the
    # integrity rules and the active records of the candidates, then the record, its applicants,
    # exclusions and places, inside a savepoint of the test's transaction
    with django_assert_num_queries(15):
        record = do_draw(users[Role.STAFF], tree["root"], applicants=[enterprise])
    assert DrawExclusion.objects.filter(draw=record).count() == 11
