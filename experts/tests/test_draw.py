"""Random draws of experts: avoidance, the record, verification, replacements and fairness."""

import math
import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from experts import draw as method
from experts import services
from experts.choices import ExclusionRule, MemberRole, RelationKind, ResponseKind
from experts.models import Draw, DrawExclusion, Expert, ExpertSpecialty, Relation, Specialty
from kejiju.choices import Role

pytestmark = pytest.mark.django_db
TODAY = date(2024, 6, 1)


@pytest.fixture
def specialties():
    machinery = Specialty.objects.create(name="机械与制造")
    return {
        "root": machinery,
        "auto": Specialty.objects.create(name="汽车零部件", parent=machinery),
        "laser": Specialty.objects.create(name="激光加工", parent=machinery),
        "finance": Specialty.objects.create(name="财务审计"),
    }


def make_experts(n, specialty, *, start=0, title="senior", **extra):
    experts = []
    for i in range(start, start + n):
        expert = Expert.objects.create(
            name=f"专家{i:03d}",
            employer="温州大学",
            title=title,
            specialties=specialty.name,
            mobile=f"1370000{i:04d}",
            **extra,
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=specialty)
        experts.append(expert)
    return experts


@pytest.fixture
def pool(specialties):
    return make_experts(20, specialties["auto"])


@pytest.fixture
def staff(users):
    return users[Role.STAFF]


def do_draw(staff, specialties, *, applicants=(), main=5, backups=2, **kwargs):
    criteria = services.Criteria(specialties=[specialties["root"].pk], main=main, backups=backups)
    defaults = {
        "purpose": "enterprise_review",
        "subject": "瑞安测试科技有限公司 高新技术企业认定申请",
        "step": "专家评审",
        "criteria": criteria,
        "requested_by": staff,
        "supervisor": "纪检组 陈监督",
        "applicants": applicants,
        "today": TODAY,
    }
    defaults.update(kwargs)
    return services.draw_experts(**defaults)


def test_a_draw_records_everything_and_verifies(staff, specialties, pool, enterprise):
    employed = pool[0]
    employed.employer_enterprise = enterprise
    employed.employer = enterprise.name
    employed.save()
    record = do_draw(staff, specialties, applicants=[enterprise])
    assert len(record.main) == 5 and len(record.backups) == 2
    assert employed.pk not in record.pool
    exclusion = DrawExclusion.objects.get(draw=record, expert=employed)
    assert exclusion.rule == ExclusionRule.EMPLOYMENT and "现工作单位为申报单位" in exclusion.detail
    assert record.pool_fingerprint == method.fingerprint(record.pool)
    assert len(record.seed) == 64 and record.supervisor == "纪检组 陈监督"
    assert list(record.applicants.all()) == [enterprise]
    members = list(record.members.order_by("role", "position"))
    assert [m.expert_id for m in members if m.role == MemberRole.MAIN] == record.main
    ok, message = services.verify(record)
    assert ok, message


def test_same_pool_criteria_and_seed_give_the_same_lists(staff, specialties, pool):
    seed = "ab" * 32
    first = do_draw(staff, specialties, seed=seed)
    second = do_draw(staff, specialties, seed=seed, void_reason="第一次抽取时监督人未到场")
    assert (first.main, first.backups) == (second.main, second.backups)
    other = do_draw(staff, specialties, void_reason="复核", step="专家评审")
    assert other.seed != seed


def test_tampered_record_fails_verification(staff, specialties, pool):
    record = do_draw(staff, specialties)
    Draw.objects.filter(pk=record.pk).update(main=list(reversed(record.main)))
    ok, message = services.verify(Draw.objects.get(pk=record.pk))
    assert not ok and "不一致" in message
    Draw.objects.filter(pk=record.pk).update(pool=record.pool[1:])
    ok, message = services.verify(Draw.objects.get(pk=record.pk))
    assert not ok and "指纹" in message


def test_the_record_is_append_only(staff, specialties, pool):
    record = do_draw(staff, specialties)
    record.seed = "00" * 32
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()


@pytest.mark.parametrize(
    ("kind", "started", "ended", "excluded"),
    [
        (RelationKind.EMPLOYMENT, date(2015, 1, 1), date(2022, 1, 1), True),  # within 3 years
        (RelationKind.EMPLOYMENT, date(2010, 1, 1), date(2020, 1, 1), False),  # long ago
        (RelationKind.RELATIVE, None, None, True),
        (RelationKind.PREPARATION, None, None, True),
        (RelationKind.COLLABORATION, date(2022, 3, 1), None, True),
        (RelationKind.DISPUTE, date(2019, 1, 1), date(2021, 5, 31), False),
        (RelationKind.GOVERNANCE, date(2020, 1, 1), None, True),
    ],
)
def test_declared_relations_exclude_by_the_rules(
    staff, specialties, pool, enterprise, kind, started, ended, excluded
):
    expert = pool[3]
    Relation.objects.create(
        expert=expert, kind=kind, enterprise=enterprise, started_on=started, ended_on=ended
    )
    record = do_draw(staff, specialties, applicants=[enterprise])
    assert (expert.pk not in record.pool) is excluded
    if excluded:
        assert (
            DrawExclusion.objects.get(draw=record, expert=expert).rule
            == services.RELATION_RULES[kind]
        )


def test_relation_with_an_unregistered_organisation_matches_by_name(staff, specialties, pool):
    Relation.objects.create(
        expert=pool[1], kind=RelationKind.COLLABORATION, organisation="瑞安某未登记研究所"
    )
    record = do_draw(staff, specialties, applicant_names=["瑞安某未登记研究所"])
    assert pool[1].pk not in record.pool


def set_policy(**values):
    from experts.models import DrawPolicy

    DrawPolicy.objects.update(**values)


def test_named_avoidance_and_its_cap(staff, specialties, pool):
    record = do_draw(staff, specialties, named=pool[:3])
    assert not set(e.pk for e in pool[:3]) & set(record.pool)
    set_policy(named_cap=2)
    with pytest.raises(ValidationError) as exc:
        do_draw(staff, specialties, named=pool[:3], void_reason="重抽")
    assert "不能超过 2 人" in str(exc.value)


def test_frequency_rules(staff, specialties, pool, enterprise):
    # the frequency rules count draws by when they were made, so this test draws "today"
    first = do_draw(staff, specialties, applicants=[enterprise], today=None)
    second = do_draw(staff, specialties, applicants=[enterprise], subject="另一份申请", today=None)
    assert not set(first.main) & set(second.pool)
    assert DrawExclusion.objects.filter(draw=second, rule=ExclusionRule.SAME_APPLICANT).count() == 5
    set_policy(same_applicant_years=0, max_draws_per_year=1)
    third = do_draw(staff, specialties, subject="第三份申请", today=None)
    drawn = set(first.main) | set(second.main)
    assert not drawn & set(third.pool)
    assert DrawExclusion.objects.filter(draw=third, rule=ExclusionRule.YEARLY_LIMIT).count() == 10


def test_title_and_specialty_criteria(staff, specialties, pool):
    juniors = make_experts(3, specialties["auto"], start=100, title="intermediate")
    finance = make_experts(3, specialties["finance"], start=200)
    criteria = services.Criteria(
        specialties=[specialties["auto"].pk], min_title="associate", main=5, backups=2
    )
    record = services.draw_experts(
        purpose="project_review",
        subject="项目A",
        step="立项评审",
        criteria=criteria,
        requested_by=staff,
        supervisor="监督人",
        today=TODAY,
    )
    assert not {e.pk for e in juniors + finance} & set(record.pool)
    assert len(record.pool) == 20


def test_asking_for_more_than_the_pool_holds_draws_nothing_and_says_why(
    staff, specialties, pool, enterprise
):
    for expert in pool[:15]:
        Relation.objects.create(
            expert=expert,
            kind=RelationKind.COLLABORATION,
            enterprise=enterprise,
            started_on=date(2023, 1, 1),
        )
    with pytest.raises(services.InsufficientPool) as exc:
        do_draw(staff, specialties, applicants=[enterprise], main=5, backups=2)
    message = exc.value.messages[0]
    assert "符合专业和职称条件的在库专家 20 人" in message
    assert "回避排除 15 人" in message and "近三年与申报单位有合作关系 15 人" in message
    assert "合格 5 人，不足所需的 7 人" in message
    assert not Draw.objects.exists() and not DrawExclusion.objects.exists()


@pytest.mark.parametrize(
    ("field", "values"), [("subject", {"subject": " "}), ("supervisor", {"supervisor": ""})]
)
def test_a_draw_without_subject_or_supervisor_is_refused(staff, specialties, pool, field, values):
    with pytest.raises(ValidationError) as exc:
        do_draw(staff, specialties, **values)
    assert field in exc.value.error_dict
    assert not Draw.objects.exists()


def test_panel_size_rules(staff, specialties, pool):
    with pytest.raises(ValidationError, match="不少于 5 人"):
        do_draw(staff, specialties, main=3)
    with pytest.raises(ValidationError, match="奇数"):
        do_draw(staff, specialties, main=6)
    record = do_draw(staff, specialties, purpose="acceptance", main=3, backups=1)
    assert len(record.main) == 3


def test_a_second_draw_for_the_same_step_needs_a_reason_and_both_stay(staff, specialties, pool):
    first = do_draw(staff, specialties)
    with pytest.raises(ValidationError) as exc:
        do_draw(staff, specialties)
    assert "须说明前次抽取作废的原因" in str(exc.value)
    second = do_draw(staff, specialties, void_reason="抽取时网络中断，监督人要求重抽")
    first.refresh_from_db()
    assert first.is_void and second.supersedes == first
    assert Draw.objects.count() == 2
    with pytest.raises(ValidationError):
        services.record_response(
            member=first.members.first(), kind=ResponseKind.ACCEPTED, recorded_by=staff
        )


def test_declines_are_replaced_by_backups_in_order(staff, specialties, pool):
    record = do_draw(staff, specialties)
    mains = list(record.members.filter(role=MemberRole.MAIN).order_by("position"))
    backups = list(record.members.filter(role=MemberRole.BACKUP).order_by("position"))
    with pytest.raises(ValidationError):
        services.record_response(
            member=mains[0], kind=ResponseKind.DECLINED, recorded_by=staff
        )  # no reason
    first = services.record_response(
        member=mains[0], kind=ResponseKind.DECLINED, reason="出差", recorded_by=staff
    )
    assert first.backup == backups[0] and first.replaced == mains[0]
    second = services.record_response(
        member=mains[1], kind=ResponseKind.UNREACHABLE, recorded_by=staff
    )
    assert second.backup == backups[1]
    assert (
        services.record_response(member=mains[2], kind=ResponseKind.ACCEPTED, recorded_by=staff)
        is None
    )
    with pytest.raises(ValidationError, match="不能重复记录"):
        services.record_response(
            member=mains[2], kind=ResponseKind.DECLINED, reason="x", recorded_by=staff
        )
    # no backup left: the response is recorded, nobody replaces
    assert (
        services.record_response(
            member=mains[3], kind=ResponseKind.DECLINED, reason="生病", recorded_by=staff
        )
        is None
    )
    panel = services.active_panel(record)
    assert [m.expert_id for m in panel] == [
        mains[2].expert_id,
        mains[3].expert_id,
        mains[4].expert_id,
        backups[0].expert_id,
        backups[1].expert_id,
    ]


def test_online_acceptance_needs_the_no_conflict_declaration_before_scoring(
    staff, specialties, pool, make_user
):
    record = do_draw(staff, specialties)
    member = record.members.get(role=MemberRole.MAIN, position=1)
    expert_user = make_user(Role.EXPERT, username="drawn", expert=member.expert)
    with pytest.raises(ValidationError, match="先声明"):
        services.submit_review(member=member, scores={"技术先进性": 80}, comment="")
    with pytest.raises(ValidationError):
        services.record_response(
            member=member, kind=ResponseKind.ACCEPTED, recorded_by=expert_user, online=True
        )
    services.declare_no_conflict(member=member, user=expert_user)
    review = services.submit_review(
        member=member, scores={"技术先进性": 80, "经济效益": 90}, comment="同意"
    )
    assert review.total == 85
    with pytest.raises(ValidationError, match="不能修改"):
        services.submit_review(member=member, scores={"技术先进性": 10}, comment="")


def chi_square_survival(statistic: float, dof: int) -> float:
    """P(X > statistic) for X ~ chi-square(dof): the regularised upper incomplete gamma Q(k/2, x/2)."""
    a, x = dof / 2, statistic / 2
    if x < a + 1:  # series for P, then Q = 1 − P
        term = total = 1 / a
        n = a
        while abs(term) > 1e-15 * abs(total):
            n += 1
            term *= x / n
            total += term
        return 1 - total * math.exp(-x + a * math.log(x) - math.lgamma(a))
    b, c, d = x + 1 - a, 1e300, 1 / (x + 1 - a)  # continued fraction for Q
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        c = b + an / c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def test_chi_square_survival_matches_known_values():
    assert chi_square_survival(43.82, 19) == pytest.approx(0.001, rel=0.01)
    assert chi_square_survival(30.14, 19) == pytest.approx(0.05, rel=0.01)
    assert chi_square_survival(3.84, 1) == pytest.approx(0.05, rel=0.01)


def test_selection_is_uniform_and_never_picks_an_excluded_expert(
    staff, specialties, pool, enterprise
):
    for expert in pool[:4]:
        Relation.objects.create(expert=expert, kind=RelationKind.PREPARATION, enterprise=enterprise)
    criteria = services.Criteria(specialties=[specialties["root"].pk], main=5, backups=2)
    eligible_pool, _ = services.eligible_pool(
        criteria, applicants=[enterprise], applicant_names=[], named=[], today=TODAY
    )
    excluded = set(eligible_pool.exclusions)
    assert excluded == {e.pk for e in pool[:4]}
    counts = dict.fromkeys(eligible_pool.eligible, 0)
    rng = random.Random(20240601)
    draws = 10_000
    for _ in range(draws):
        main, backups = method.select(rng.randbytes(32).hex(), eligible_pool.eligible, 5, 2)
        assert not excluded & set(main + backups)
        for expert_id in main:
            counts[expert_id] += 1
    expected = draws * 5 / len(counts)
    statistic = sum((observed - expected) ** 2 / expected for observed in counts.values())
    assert chi_square_survival(statistic, len(counts) - 1) > 0.001


def test_the_policy_in_force_on_the_day_applies_and_is_recorded(staff, specialties, pool):
    from experts.models import DrawPolicy

    DrawPolicy.objects.create(effective_from=date(2024, 1, 1), panel_min_major=7, basis="新规")
    with pytest.raises(ValidationError, match="不少于 7 人"):
        do_draw(staff, specialties, main=5)
    old = do_draw(staff, specialties, main=5, today=date(2023, 12, 31))
    assert old.criteria["policy"]["panel_min_major"] == 5
    new = do_draw(staff, specialties, main=7, backups=1, subject="另一项申请")
    assert new.criteria["policy"]["panel_min_major"] == 7
