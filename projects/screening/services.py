"""Every write of the screening app: integrity records, the duplicate check and the towns'
recommendations. Each runs in one transaction and refuses bad input with a Chinese message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from kejiju import uploads

from . import similarity
from .choices import (
    Effect,
    EndKind,
    PairDecision,
    PairKind,
    RecommendationDecision,
    SubjectKind,
)
from .models import DuplicatePair, IntegrityRecord, IntegrityRule, TownRecommendation

DECISION_KINDS = (uploads.PDF, uploads.JPEG, uploads.PNG)


# ---- the integrity ledger --------------------------------------------------------------------


def findings(effect: str, *, day: dt.date | None = None, **subjects):
    """(rule, record) for every active record of ``subjects`` (enterprises=, users=, experts=)
    that a rule of ``effect`` in force on ``day`` covers."""
    day = day or timezone.localdate()
    rules = list(IntegrityRule.objects.in_force_on(day).filter(effect=effect))
    if not rules:
        return []
    records = (
        IntegrityRecord.objects.active_on(day)
        .of_subjects(**subjects)
        .select_related("enterprise", "expert")
        .order_by("starts_on", "pk")
    )
    return [(rule, record) for record in records for rule in rules if rule.applies_to(record)]


def check_may_apply(*, enterprise=None, user=None, day: dt.date | None = None) -> None:
    """Refuses an application by a subject under an active record a blocking rule covers; the
    message names the rule and the record."""
    found = findings(
        Effect.BLOCK_APPLICATION,
        day=day,
        enterprises=[enterprise] if enterprise else [],
        users=[user] if user and user.pk else [],
    )
    if found:
        rule, record = found[0]
        raise ValidationError(
            f"依据「{rule.name}」，{record.subject_name}存在{record.label}，"
            "在惩戒期内不能提交申报。如有异议，请向科技局提出申诉。",
            code="integrity_blocked",
        )


def application_flags(*, enterprise=None, user=None, day: dt.date | None = None) -> list[str]:
    """What formal review is asked to look at: one line per flagging rule and record."""
    return [
        f"{rule.name}：{record.subject_name} {record.label}"
        for rule, record in findings(
            Effect.FLAG_APPLICATION,
            day=day,
            enterprises=[enterprise] if enterprise else [],
            users=[user] if user and user.pk else [],
        )
    ]


def draw_exclusions(expert_ids, day: dt.date) -> dict[int, list[str]]:
    """For the draw: expert id → the details (rule and record) that exclude the expert."""
    excluded: dict[int, list[str]] = {}
    for rule, record in findings(Effect.EXCLUDE_FROM_DRAWS, day=day, experts=list(expert_ids)):
        excluded.setdefault(record.expert_id, []).append(f"依据「{rule.name}」：{record.label}")
    return excluded


def next_number(day: dt.date) -> str:
    prefix = f"CX{day.year}-"
    count = IntegrityRecord.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


@transaction.atomic
def add_record(*, decision_upload, by, **fields) -> IntegrityRecord:
    """Registers a record. ``fields`` are the model's (subject, kind, severity, facts,
    decision_no, starts_on, ends_on, reason …); the decision document must be a PDF or an image."""
    errors = {}
    kind = fields.get("subject_kind")
    if kind == SubjectKind.ENTERPRISE and not fields.get("enterprise"):
        errors["enterprise"] = "请选择失信企业。"
    if kind == SubjectKind.EXPERT and not fields.get("expert"):
        errors["expert"] = "请选择失信专家。"
    if kind == SubjectKind.PERSON and not (fields.get("person_name") or "").strip():
        errors["person_name"] = "请填写当事人姓名。"
    if not (fields.get("reason") or "").strip():
        errors["reason"] = "请写明登记理由。"
    if not (fields.get("decision_no") or "").strip():
        errors["decision_no"] = "请填写处理决定文号。"
    starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "惩戒结束日期不能早于开始日期。"
    if decision_upload is None:
        errors["decision_file"] = "请上传处理决定书（PDF 或图片）。"
    else:
        try:
            inspected = getattr(decision_upload, "inspected", None) or uploads.inspect(
                decision_upload, kinds=DECISION_KINDS
            )
        except ValidationError as exc:
            errors["decision_file"] = exc.messages[0]
        else:
            if inspected.kind not in DECISION_KINDS:
                errors["decision_file"] = "处理决定书只接受 PDF、JPEG 或 PNG 文件。"
    if errors:
        raise ValidationError(errors)
    if kind != SubjectKind.ENTERPRISE:
        fields["enterprise"] = None
    if kind != SubjectKind.EXPERT:
        fields["expert"] = None
    if kind != SubjectKind.PERSON:
        fields["user"] = None
    day = timezone.localdate()
    record = IntegrityRecord(
        number=next_number(day),
        decision_name=uploads.clean_display_name(decision_upload.name, inspected),
        decision_type=inspected.content_type,
        decision_sha256=inspected.sha256,
        created_by=by,
        **fields,
    )
    decision_upload.seek(0)
    record.decision_file.save(
        uploads.storage_name("integrity", inspected), decision_upload, save=False
    )
    record._change_reason = f"登记：{record.reason}"
    record.save()
    return record


@transaction.atomic
def end_record(*, record: IntegrityRecord, kind: str, reason: str, by, on=None) -> IntegrityRecord:
    """Ends a record early after a successful appeal (申诉) or a credit repair (信用修复)."""
    record = IntegrityRecord.objects.select_for_update().get(pk=record.pk)
    on = on or timezone.localdate()
    if record.ended_on is not None:
        raise ValidationError(f"该记录已于 {record.ended_on} 提前终止。")
    if kind not in EndKind.values:
        raise ValidationError({"end_kind": "请选择终止方式（申诉成立或信用修复）。"})
    if not reason.strip():
        raise ValidationError({"end_reason": "请写明提前终止的理由。"})
    if on < record.starts_on:
        raise ValidationError({"ended_on": "终止日期不能早于惩戒开始日期。"})
    record.ended_on, record.end_kind, record.end_reason, record.ended_by = (
        on,
        kind,
        reason.strip(),
        by,
    )
    record._change_reason = f"{EndKind(kind).label}：{reason.strip()}"
    record.save(update_fields=["ended_on", "end_kind", "end_reason", "ended_by"])
    return record


# ---- the duplicate check (查重) -------------------------------------------------------------


@dataclass
class Match:
    other_id: int
    name: float
    summary: float


def threshold() -> float:
    return float(settings.KEJIJU_DUPLICATE_THRESHOLD)


def _candidates(project, since: dt.date):
    from projects.models import Project

    return Project.objects.filter(applied_on__gte=since).exclude(pk=project.pk).order_by()


def _compared_summary(text: str) -> str:
    """A summary is compared only when it says something: a one-line summary (shorter than
    ``KEJIJU_DUPLICATE_MIN_SUMMARY`` characters) gives an unstable similarity, and the name
    is compared anyway."""
    text = (text or "").strip()
    return text if len(text) >= settings.KEJIJU_DUPLICATE_MIN_SUMMARY else ""


def _matches_postgres(project, since: dt.date, limit: float) -> list[Match]:
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db.models.functions import Length

    from projects.models import Project

    summary = _compared_summary(project.summary)
    with connection.cursor() as cursor:
        # the % operator (trigram_similar) uses the GIN indexes at this threshold; the planner
        # prices a long summary's many trigrams above a sequential scan that computes the
        # similarity of every row (~0.9 s for 20,000 projects against ~20 ms through the index),
        # so the scan is turned off for this one query
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(limit)])
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
    # each condition alone, so that each is answered from its own GIN index (with the date
    # condition beside it the planner walks the date index and tests every row)
    queries = [Project.objects.filter(name__trigram_similar=project.name)]
    if summary:
        queries.append(Project.objects.filter(summary__trigram_similar=summary))
    try:
        ids = set()
        for query in queries:
            ids.update(query.order_by().values_list("pk", flat=True))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_seqscan', 'on', true)")
    ids.discard(project.pk)
    rows = (
        _candidates(project, since)
        .filter(pk__in=ids)
        .annotate(
            name_sim=TrigramSimilarity("name", project.name),
            summary_sim=TrigramSimilarity("summary", summary),
            summary_length=Length("summary"),
        )
        .values_list("pk", "name_sim", "summary_sim", "summary_length")
    )
    found = []
    for pk, n, s, length in rows:
        n = float(n or 0)
        s = float(s or 0) if summary and length >= settings.KEJIJU_DUPLICATE_MIN_SUMMARY else 0.0
        if n >= limit or s >= limit:
            found.append(Match(pk, n, s))
    return found


def _matches_python(project, since: dt.date, limit: float) -> list[Match]:
    name_grams = similarity.trigrams(project.name)
    summary_grams = similarity.trigrams(_compared_summary(project.summary))
    minimum = settings.KEJIJU_DUPLICATE_MIN_SUMMARY
    grams = similarity.trigrams
    found = []
    for pk, name, summary in _candidates(project, since).values_list("pk", "name", "summary"):
        n = similarity.similarity_of_sets(name_grams, grams(name))
        s = 0.0
        if summary_grams and summary and len(summary.strip()) >= minimum:
            s = similarity.similarity_of_sets(summary_grams, grams(summary))
        if n >= limit or s >= limit:
            found.append(Match(pk, n, s))
    return found


def find_similar(project, *, day: dt.date | None = None) -> list[Match]:
    """Applications and projects of the last ``KEJIJU_DUPLICATE_YEARS`` years whose name or
    summary reaches the threshold: pg_trgm on PostgreSQL, the same measure in Python elsewhere."""
    day = day or timezone.localdate()
    since = day.replace(year=day.year - settings.KEJIJU_DUPLICATE_YEARS)
    limit = threshold()
    if connection.vendor == "postgresql":
        return _matches_postgres(project, since, limit)
    return _matches_python(project, since, limit)


def _kind(project, other) -> str:
    if (
        project.enterprise_id
        and other.enterprise_id == project.enterprise_id
        and other.call_id
        and other.call_id != project.call_id
        and other.call
        and project.call
        and other.call.year == project.call.year
    ):
        return PairKind.MULTIPLE
    return PairKind.SIMILAR


def _round(value: float) -> Decimal:
    return Decimal(str(round(value, 3)))


@transaction.atomic
def check_duplicates(project, *, during: str) -> list[DuplicatePair]:
    """Runs the check for ``project`` and keeps a pair for each match (a pair found again has its
    figures refreshed and keeps the staff's finding). Written in bulk, with history."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from projects.models import Project

    matches = find_similar(project)
    if not matches:
        return []
    others = Project.objects.select_related("call").in_bulk([m.other_id for m in matches])
    known = {
        pair.other_id: pair
        for pair in DuplicatePair.objects.filter(
            project=project, other_id__in=[m.other_id for m in matches]
        )
    }
    now = timezone.now()
    new, seen = [], []
    for match in matches:
        pair = known.get(match.other_id)
        if pair is None:
            new.append(
                DuplicatePair(
                    project=project,
                    other=others[match.other_id],
                    kind=_kind(project, others[match.other_id]),
                    name_similarity=_round(match.name),
                    summary_similarity=_round(match.summary),
                    found_at=now,
                    found_during=during,
                )
            )
        else:
            pair.name_similarity = _round(match.name)
            pair.summary_similarity = _round(match.summary)
            pair.found_during = during
            seen.append(pair)
    if new:
        bulk_create_with_history(new, DuplicatePair, batch_size=500)
    if seen:
        bulk_update_with_history(
            seen,
            DuplicatePair,
            ["name_similarity", "summary_similarity", "found_during"],
            batch_size=500,
        )
    return list(
        DuplicatePair.objects.filter(project=project, other_id__in=[m.other_id for m in matches])
        .select_related("other")
        .order_by("-summary_similarity", "-name_similarity", "pk")
    )


@transaction.atomic
def decide_pair(*, pair: DuplicatePair, decision: str, reason: str, by) -> DuplicatePair:
    """Staff's finding on a pair: 不构成重复, or the application is returned (退回修改) or not
    accepted (不予受理) with the reason."""
    from projects import services as project_services
    from projects.choices import Stage

    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if decision not in (
        PairDecision.NOT_DUPLICATE,
        PairDecision.RETURNED,
        PairDecision.REJECTED,
    ):
        raise ValidationError({"decision": "请选择认定结论。"})
    if not reason.strip():
        raise ValidationError({"reason": "请写明认定理由。"})
    project = pair.project
    if decision != PairDecision.NOT_DUPLICATE and project.stage != Stage.SUBMITTED:
        raise ValidationError(
            f"申报当前环节为「{project.get_stage_display()}」，只有待形式审查的申报可以退回或不予受理。"
        )
    pair.decision, pair.decision_reason = decision, reason.strip()
    pair.decided_by, pair.decided_at = by, timezone.now()
    pair._change_reason = PairDecision(decision).label
    pair.save()
    note = f"查重：与 {pair.other.number}「{pair.other.name}」{PairDecision(decision).label}：{pair.decision_reason}"
    if decision == PairDecision.RETURNED:
        project_services.formal_review(project=project, passed=False, comment=note, by=by)
    elif decision == PairDecision.REJECTED:
        locked = project_services._lock(project)
        project_services._move(
            locked, Stage.NOT_APPROVED, action="形式审查不予受理", by=by, note=note
        )
    return pair


def pending_pairs(project):
    return DuplicatePair.objects.filter(project=project, decision=PairDecision.PENDING)


# ---- the lifecycle hooks (called by projects.services and enterprises.services) ----------------


def on_application_filed(project, *, by, during: str = "申报提交") -> None:
    """After an application is filed or resubmitted: the duplicate check and the integrity
    flags, written into the project's record."""
    from projects.models import ProjectEvent

    pairs = check_duplicates(project, during=during)
    flags = application_flags(enterprise=project.enterprise, user=by)
    lines = []
    if pairs:
        lines.append(f"查重：发现 {len(pairs)} 项相似申报或项目，待形式审查认定。")
    lines += [f"科研诚信提示：{flag}" for flag in flags]
    if lines:
        ProjectEvent.objects.create(
            project=project, action="申报审查提示", note="\n".join(lines), by=None
        )


def before_formal_review(project, *, passed: bool) -> str:
    """What formal review needs first (the town's recommendation, the duplicate findings) and
    what goes into its record."""
    call = project.call
    recommendation = getattr(project, "town_recommendation", None) if call else None
    lines = []
    if call and call.requires_town_recommendation:
        if recommendation is None:
            raise ValidationError(
                "本通知须经企业所在镇街推荐，镇街尚未出具推荐意见，不能开始形式审查。"
            )
        if passed and recommendation.decision != RecommendationDecision.RECOMMENDED:
            raise ValidationError("镇街不予推荐，形式审查不能通过；请退回或不予受理。")
        lines.append(
            f"镇街推荐：{recommendation.town} {recommendation.get_decision_display()}（{recommendation.opinion}）"
        )
    pairs = check_duplicates(project, during="形式审查")
    if passed and any(p.decision == PairDecision.PENDING for p in pairs):
        raise ValidationError(
            "查重发现相似申报尚未认定，请先在「查重比对」中逐项认定（不构成重复，或退回、不予受理）。"
        )
    if pairs:
        lines.append(
            "查重："
            + "；".join(
                f"{p.other.number} 相似度 {p.similarity:.0%}，{p.get_decision_display()}"
                for p in pairs
            )
        )
    else:
        lines.append("查重：未发现相似申报或项目。")
    flags = application_flags(enterprise=project.enterprise, user=project.applicant)
    lines += [f"科研诚信提示：{flag}" for flag in flags]
    return "\n".join(lines)


# ---- the towns' recommendation (推荐单位) ----------------------------------------------------


@transaction.atomic
def recommend(*, project, decision: str, opinion: str, by) -> TownRecommendation:
    from projects.choices import Stage
    from projects.models import Project, ProjectEvent

    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("call", "enterprise")
        .get(pk=project.pk)
    )
    if not (project.call and project.call.requires_town_recommendation):
        raise ValidationError("该申报所属通知不需要镇街推荐。")
    if project.stage != Stage.SUBMITTED:
        raise ValidationError(
            f"申报当前环节为「{project.get_stage_display()}」，只有已提交待审的申报可以推荐。"
        )
    town = project.enterprise.town if project.enterprise_id else project.town
    if town is None or town.pk != by.town_id:
        raise ValidationError("只能推荐本镇街企业的申报。")
    if TownRecommendation.objects.filter(project=project).exists():
        raise ValidationError("该申报已出具推荐意见。")
    if decision not in RecommendationDecision.values:
        raise ValidationError({"decision": "请选择推荐意见。"})
    if not opinion.strip():
        raise ValidationError({"opinion": "请填写推荐意见。"})
    recommendation = TownRecommendation.objects.create(
        project=project, town=town, decision=decision, opinion=opinion.strip(), by=by
    )
    if decision == RecommendationDecision.RECOMMENDED:
        letter = recommendation_letter(recommendation)
        upload = ContentFile(letter, name="推荐函.pdf")
        from projects import services as project_services

        document = project_services.attach(
            project=project, kind="镇街推荐函", upload=upload, by=by, log=False
        )
        recommendation.letter_sha256 = document.sha256
        recommendation.save(update_fields=["letter_sha256"])
    ProjectEvent.objects.create(
        project=project,
        action=f"镇街{recommendation.get_decision_display()}",
        note=f"{town}：{recommendation.opinion}",
        by=by,
    )
    return recommendation


def recommendation_letter(recommendation: TownRecommendation) -> bytes:
    from kejiju.pdf import render_pdf

    return render_pdf(
        "screening/recommendation_letter_pdf.html",
        {"recommendation": recommendation, "project": recommendation.project},
    )
