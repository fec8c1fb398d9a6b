"""Writes of the expert pool: draws, responses with replacement from the backups, reviews."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils import timezone

from . import draw as method
from .choices import DrawPurpose, ExclusionRule, MemberRole, RelationKind, ResponseKind, Title
from .models import (
    Draw,
    DrawExclusion,
    DrawMember,
    DrawPolicy,
    DrawResponse,
    Expert,
    ExpertSpecialty,
    Rating,
    Relation,
    Replacement,
    Review,
    Specialty,
)

TITLE_RANK = {Title.SENIOR: 4, Title.ASSOCIATE: 3, Title.INTERMEDIATE: 2, Title.OTHER: 1}
RELATION_RULES = {
    RelationKind.EMPLOYMENT: ExclusionRule.EMPLOYMENT,
    RelationKind.GOVERNANCE: ExclusionRule.GOVERNANCE,
    RelationKind.RELATIVE: ExclusionRule.RELATIVE,
    RelationKind.PREPARATION: ExclusionRule.PREPARATION,
    RelationKind.COLLABORATION: ExclusionRule.COLLABORATION,
    RelationKind.DISPUTE: ExclusionRule.DISPUTE,
}
# Relations that count only while current or ended within the look-back period.
TIME_BOUND = {
    RelationKind.EMPLOYMENT,
    RelationKind.COLLABORATION,
    RelationKind.DISPUTE,
    RelationKind.GOVERNANCE,
}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass
class Criteria:
    specialties: list[int]  # Specialty ids; a discipline includes its specialties
    min_title: str = Title.OTHER
    main: int = 5
    backups: int = 2

    def as_record(self) -> dict:
        return {
            "specialties": sorted(self.specialties),
            "min_title": str(self.min_title),
            "main": self.main,
            "backups": self.backups,
        }


@dataclass
class Pool:
    eligible: list[int]
    exclusions: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # expert → rules

    def exclude(self, expert_id: int, rule: str, detail: str = "") -> None:
        self.exclusions.setdefault(expert_id, []).append((rule, detail))


class InsufficientPool(ValidationError):
    """Fewer eligible experts than the draw asks for; nothing was drawn."""

    def __init__(self, pool: Pool, wanted: int, considered: int):
        self.pool = pool
        counts: dict[str, int] = {}
        for rules in pool.exclusions.values():
            for rule, _ in rules:
                counts[rule] = counts.get(rule, 0) + 1
        reasons = "；".join(f"{ExclusionRule(r).label} {n} 人" for r, n in counts.items()) or "无"
        super().__init__(
            f"符合专业和职称条件的在库专家 {considered} 人，回避排除 {len(pool.exclusions)} 人"
            f"（{reasons}），合格 {len(pool.eligible)} 人，不足所需的 {wanted} 人（正选+备选）。"
            "本次未抽取任何专家，请放宽条件或减少人数。"
        )


def specialty_ids_with_children(ids: Iterable[int]) -> set[int]:
    ids = set(ids)
    return ids | set(Specialty.objects.filter(parent_id__in=ids).values_list("pk", flat=True))


def candidates(criteria: Criteria, today: date):
    titles = [t for t, rank in TITLE_RANK.items() if rank >= TITLE_RANK[Title(criteria.min_title)]]
    wanted = specialty_ids_with_children(criteria.specialties)
    return (
        Expert.objects.in_pool_on(today)
        .filter(title__in=titles)
        .filter(pk__in=ExpertSpecialty.objects.filter(specialty_id__in=wanted).values("expert_id"))
        .order_by()
    )


def policy_on(day: date) -> DrawPolicy:
    """The rules in force on ``day``; the defaults of DOMAIN.md §3 when none is recorded."""
    return DrawPolicy.objects.in_force_on(day) or DrawPolicy(effective_from=day)


def eligible_pool(
    criteria: Criteria,
    *,
    applicants: list,
    applicant_names: list[str],
    named: list[Expert],
    today: date,
    policy: DrawPolicy | None = None,
) -> tuple[Pool, int]:
    """The eligible experts and, for each one left out, every rule that excluded them.

    The candidates are read once, as bare ids with the two employer columns the rules need; the
    relations and earlier places are read for the applicants and kept for the candidates here,
    which costs less than repeating the candidate query as a subquery of each."""
    policy = policy or policy_on(today)
    pool = Pool(eligible=[])
    applicant_ids = {a.pk for a in applicants}
    names = {n.strip() for n in applicant_names if n.strip()} | {a.name for a in applicants}
    since = years_before(today, policy.relation_years)

    employer_named = (
        Case(When(employer__in=names, then="employer"))
        if names
        else Value(None, output_field=CharField())
    )
    rows = candidates(criteria, today).values_list("pk", "employer_enterprise_id", employer_named)
    base = set()
    for expert_id, employer_id, employer in rows:
        base.add(expert_id)
        if employer_id in applicant_ids:
            pool.exclude(expert_id, ExclusionRule.EMPLOYMENT, "现工作单位为申报单位")
        elif employer is not None:
            pool.exclude(expert_id, ExclusionRule.EMPLOYMENT, f"现工作单位为{employer}")

    if applicant_ids or names:
        relations = (
            Relation.objects.filter(Q(enterprise_id__in=applicant_ids) | Q(organisation__in=names))
            .exclude(kind__in=TIME_BOUND, ended_on__lt=since)
            .order_by("expert_id", "-started_on", "pk")
            .values_list(
                "expert_id", "kind", "enterprise__name", "organisation", "started_on", "ended_on"
            )
        )
        for expert_id, kind, enterprise_name, organisation, started_on, ended_on in relations:
            if expert_id not in base:
                continue
            period = (
                f"（{started_on or '?'} 至 {ended_on or '今'}）" if started_on or ended_on else ""
            )
            party = enterprise_name or organisation
            pool.exclude(expert_id, RELATION_RULES[kind], f"{party}{period}")

    for expert in named:
        if expert.pk in base:
            pool.exclude(expert.pk, ExclusionRule.NAMED, "申报单位申请回避")

    places = DrawMember.objects.filter(draw__superseded_by__isnull=True).filter(
        Q(role=MemberRole.MAIN) | Q(replacing__isnull=False)
    )
    if policy.same_applicant_years and applicant_ids:
        recent = years_before(today, policy.same_applicant_years)
        for expert_id in (
            places.filter(draw__applicants__in=applicant_ids, draw__created_at__date__gte=recent)
            .order_by("expert_id")
            .values_list("expert_id", flat=True)
            .distinct()
        ):
            if expert_id in base:
                pool.exclude(
                    expert_id,
                    ExclusionRule.SAME_APPLICANT,
                    f"{policy.same_applicant_years} 年内已为该单位评审",
                )
    if policy.max_draws_per_year:
        busy = (
            places.filter(draw__created_at__year=today.year)
            .values("expert_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=policy.max_draws_per_year)
            .order_by("expert_id")
        )
        for row in busy:
            if row["expert_id"] in base:
                pool.exclude(
                    row["expert_id"], ExclusionRule.YEARLY_LIMIT, f"本年度已抽取 {row['n']} 次"
                )

    from projects.screening.services import draw_exclusions

    for expert_id, details in sorted(draw_exclusions(base, today).items()):
        for detail in details:
            pool.exclude(expert_id, ExclusionRule.INTEGRITY, detail)

    pool.eligible = sorted(base.difference(pool.exclusions))
    return pool, len(base)


def check_panel_size(purpose: str, main: int, backups: int, policy: DrawPolicy) -> None:
    minimum = (
        policy.panel_min_major if purpose == DrawPurpose.ENTERPRISE_REVIEW else policy.panel_min
    )
    if main < minimum:
        raise ValidationError(
            {"main": f"{DrawPurpose(purpose).label}的正选专家不少于 {minimum} 人。"}
        )
    if purpose == DrawPurpose.ENTERPRISE_REVIEW and main % 2 == 0:
        raise ValidationError({"main": "企业申报评审的专家人数应为奇数。"})
    if backups < 0:
        raise ValidationError({"backups": "备选人数不能为负数。"})


@transaction.atomic
def draw_experts(
    *,
    purpose: str,
    subject: str,
    step: str,
    criteria: Criteria,
    requested_by,
    supervisor: str,
    applicants: Iterable = (),
    applicant_names: Iterable[str] = (),
    named: Iterable[Expert] = (),
    void_reason: str = "",
    seed: str | None = None,
    today: date | None = None,
) -> Draw:
    """Draws main and backup experts. Nothing is written unless the draw succeeds."""
    today = today or timezone.localdate()
    applicants, applicant_names, named = list(applicants), list(applicant_names), list(named)
    errors = {}
    if not subject.strip():
        errors["subject"] = "请填写评审对象。"
    if not step.strip():
        errors["step"] = "请填写评审环节。"
    if not supervisor.strip():
        errors["supervisor"] = "抽取须有监督人在场，请填写监督人。"
    if not criteria.specialties:
        errors["specialties"] = "请至少选择一个专业领域。"
    policy = policy_on(today)
    if len(named) > policy.named_cap:
        errors["named"] = f"申请回避的专家不能超过 {policy.named_cap} 人。"
    if errors:
        raise ValidationError(errors)
    check_panel_size(purpose, criteria.main, criteria.backups, policy)

    previous = (
        Draw.objects.select_for_update(of=("self",))
        .filter(subject=subject.strip(), step=step.strip(), superseded_by__isnull=True)
        .first()
    )
    if previous is not None and not void_reason.strip():
        raise ValidationError(
            {
                "void_reason": f"该评审环节已于 {timezone.localtime(previous.created_at):%Y-%m-%d %H:%M} 抽取过专家；"
                "再次抽取须说明前次抽取作废的原因。"
            }
        )

    pool, considered = eligible_pool(
        criteria,
        applicants=applicants,
        applicant_names=applicant_names,
        named=named,
        today=today,
        policy=policy,
    )
    wanted = criteria.main + criteria.backups
    if len(pool.eligible) < wanted:
        raise InsufficientPool(pool, wanted, considered)

    seed = seed or method.new_seed()
    main, backups = method.select(seed, pool.eligible, criteria.main, criteria.backups)
    record = Draw.objects.create(
        purpose=purpose,
        subject=subject.strip(),
        step=step.strip(),
        applicant_names="；".join(applicant_names),
        requested_by=requested_by,
        supervisor=supervisor.strip(),
        criteria={
            **criteria.as_record(),
            "named": sorted(e.pk for e in named),
            "as_of": today.isoformat(),
            "policy": policy.as_record(),
        },
        pool=pool.eligible,
        pool_fingerprint=method.fingerprint(pool.eligible),
        method=method.METHOD,
        seed=seed,
        main=main,
        backups=backups,
        supersedes=previous,
        void_reason=void_reason.strip() if previous else "",
    )
    # a new record has no applicants yet: insert the links without reading them first
    Draw.applicants.through.objects.bulk_create(
        Draw.applicants.through(draw_id=record.pk, enterprise_id=pk)
        for pk in sorted({a.pk for a in applicants})
    )
    DrawExclusion.objects.insert_rows(
        (record.pk, expert_id, str(rule), detail[:300])
        for expert_id, rules in sorted(pool.exclusions.items())
        for rule, detail in rules
    )
    DrawMember.objects.bulk_create(
        [
            DrawMember(draw=record, expert_id=e, role=MemberRole.MAIN, position=i)
            for i, e in enumerate(main, 1)
        ]
        + [
            DrawMember(draw=record, expert_id=e, role=MemberRole.BACKUP, position=i)
            for i, e in enumerate(backups, 1)
        ]
    )
    return record


def verify(record: Draw) -> tuple[bool, str]:
    """Re-runs the selection from the record alone and says whether it matches."""
    if method.fingerprint(record.pool) != record.pool_fingerprint:
        return False, "专家池指纹与记录不符：记录中的合格专家名单被改动过。"
    main, backups = method.select(
        record.seed, record.pool, record.criteria["main"], record.criteria["backups"]
    )
    if main != record.main or backups != record.backups:
        return False, "按记录的种子重新计算的名单与记录不一致。"
    stored_main = list(
        record.members.filter(role=MemberRole.MAIN)
        .order_by("position")
        .values_list("expert_id", flat=True)
    )
    stored_backups = list(
        record.members.filter(role=MemberRole.BACKUP)
        .order_by("position")
        .values_list("expert_id", flat=True)
    )
    if stored_main != main or stored_backups != backups:
        return False, "抽取名单与按种子重新计算的结果不一致。"
    return (
        True,
        f"按记录的种子和专家池（{len(record.pool)} 人）重新计算，正选与备选名单与记录完全一致。",
    )


def active_panel(record: Draw) -> list[DrawMember]:
    """Who sits on the panel now: main experts not replaced, and the backups who replaced them."""
    members = record.members.select_related("expert").prefetch_related("responses")
    replaced = set(Replacement.objects.filter(draw=record).values_list("replaced_id", flat=True))
    called = set(Replacement.objects.filter(draw=record).values_list("backup_id", flat=True))
    panel = [
        m for m in members if (m.role == MemberRole.MAIN or m.pk in called) and m.pk not in replaced
    ]
    return sorted(panel, key=lambda m: (m.role != MemberRole.MAIN, m.position))


@transaction.atomic
def record_response(
    *,
    member: DrawMember,
    kind: str,
    recorded_by,
    reason: str = "",
    online: bool = False,
    conflict_declared_none: bool = False,
) -> Replacement | None:
    """Records an expert's answer. A panel member who declines or cannot be reached is replaced
    by the next unused backup, in order; returns that replacement (None when none was needed or
    no backup was left)."""
    member = DrawMember.objects.select_for_update().select_related("draw").get(pk=member.pk)
    if member.draw.is_void:
        raise ValidationError("该次抽取已作废，不能再记录答复。")
    if kind == ResponseKind.DECLINED and not reason.strip():
        raise ValidationError({"reason": "拒绝时请填写原因。"})
    last = member.responses.last()
    if last is not None and last.kind != ResponseKind.UNREACHABLE:
        raise ValidationError(
            f"{member.expert.name} 已答复（{last.get_kind_display()}），不能重复记录。"
        )
    if kind == ResponseKind.ACCEPTED and online and not conflict_declared_none:
        raise ValidationError({"conflict_declared_none": "接受评审前须声明与申报单位无利益冲突。"})
    DrawResponse.objects.create(
        member=member,
        kind=kind,
        reason=reason.strip(),
        recorded_by=recorded_by,
        online=online,
        conflict_declared_none=conflict_declared_none,
    )
    if kind == ResponseKind.ACCEPTED:
        return None
    on_panel = member in active_panel(member.draw)
    if not on_panel or hasattr(member, "replacement"):
        return None
    used = set(Replacement.objects.filter(draw=member.draw).values_list("backup_id", flat=True))
    refused = set(
        DrawResponse.objects.filter(
            member__draw=member.draw, kind=ResponseKind.DECLINED
        ).values_list("member_id", flat=True)
    )
    backup = (
        member.draw.members.filter(role=MemberRole.BACKUP)
        .exclude(pk__in=used | refused)
        .order_by("position")
        .first()
    )
    if backup is None:
        return None
    return Replacement.objects.create(
        draw=member.draw, replaced=member, backup=backup, recorded_by=recorded_by
    )


@transaction.atomic
def submit_review(*, member: DrawMember, scores: dict[str, float], comment: str) -> Review:
    review = Review.objects.select_for_update().filter(member=member).first()
    if review is None:
        raise ValidationError("请先声明与申报单位无利益冲突，再查看材料并评分。")
    if review.submitted_at:
        raise ValidationError("评审意见已提交，不能修改。")
    for criterion, score in scores.items():
        if score is None or not 0 <= float(score) <= 100:
            raise ValidationError({"scores": f"「{criterion}」的得分应在 0–100 之间。"})
    review.scores = {k: float(v) for k, v in scores.items()}
    review.total = (
        round(sum(review.scores.values()) / len(review.scores), 2) if review.scores else None
    )
    review.comment = comment
    review.submitted_at = timezone.now()
    review.save()
    return review


@transaction.atomic
def declare_no_conflict(*, member: DrawMember, user) -> Review:
    """The expert accepts online and declares no conflict of interest; only then may they see
    the material."""
    last = member.responses.last()
    if last is None:
        record_response(
            member=member,
            kind=ResponseKind.ACCEPTED,
            recorded_by=user,
            online=True,
            conflict_declared_none=True,
        )
    elif last.kind != ResponseKind.ACCEPTED:
        raise ValidationError("您已拒绝或被替补，不能参加本次评审。")
    review, _ = Review.objects.get_or_create(
        member=member, defaults={"conflict_declared_at": timezone.now()}
    )
    return review


def rate_expert(
    *, member: DrawMember, timeliness: int, quality: int, rated_by, note: str = ""
) -> Rating:
    """Staff rate an expert's work once the review is in; the ratings show in the pool list."""

    review = getattr(member, "review", None)
    if review is None or review.submitted_at is None:
        raise ValidationError("专家提交评审意见后才能评价其履职情况。")
    if hasattr(member, "rating"):
        raise ValidationError("该专家本次评审已评价过。")
    for label, value in (("及时性", timeliness), ("评审质量", quality)):
        if not 1 <= int(value) <= 5:
            raise ValidationError(f"{label}评分应为 1–5 分。")
    return Rating.objects.create(
        member=member, timeliness=timeliness, quality=quality, note=note, rated_by=rated_by
    )


@transaction.atomic
def invite_expert(*, expert: Expert, base_url: str) -> tuple[str, bool]:
    """Opens an account for an expert (username: their mobile) and sends the set-password link.
    Returns the link and whether the account is new."""
    from kejiju.choices import Role
    from kejiju.invitations import send_invitation
    from kejiju.models import User

    user = User.objects.filter(expert=expert).first()
    created = user is None
    if created:
        if User.objects.filter(username=expert.mobile).exists():
            raise ValidationError(f"用户名 {expert.mobile} 已被其他账号使用。")
        user = User(
            username=expert.mobile,
            role=Role.EXPERT,
            expert=expert,
            email=expert.email,
            last_name=expert.name[:1],
            first_name=expert.name[1:],
        )
        user.set_unusable_password()
        user.save()
    elif user.has_usable_password():
        raise ValidationError(f"{expert.name} 已开通账号并设置了密码。")
    return send_invitation(user, base_url=base_url, purpose="作为评审专家使用本平台"), created
