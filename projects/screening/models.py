"""科研诚信 ledger, duplicate-application pairs and the towns' recommendations (DOMAIN.md §7)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .choices import (
    Effect,
    EndKind,
    MisconductKind,
    PairDecision,
    PairKind,
    RecommendationDecision,
    Severity,
    SubjectKind,
)


class IntegrityRuleQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date) -> IntegrityRuleQuerySet:
        return self.filter(effective_from__lte=day).filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day)
        )


class IntegrityRule(models.Model):
    """What an active integrity record does, declared once as data with a validity period (as the
    pre-check's RuleSet): the effect, for which severities and which kinds of subject."""

    code = models.SlugField("代码", max_length=40)
    name = models.CharField("规则名称", max_length=120)
    effect = models.CharField("效力", max_length=30, choices=Effect.choices)
    severities = models.JSONField("适用的严重程度", help_text='例如 ["serious"]')
    subjects = models.JSONField("适用的主体", help_text='例如 ["enterprise", "person"]')
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    basis = models.CharField("依据", max_length=300, blank=True)
    objects = IntegrityRuleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "科研诚信惩戒规则"
        verbose_name_plural = "科研诚信惩戒规则"
        ordering = ["effect", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="integrityrule_code_from"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="integrityrule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, record: IntegrityRecord) -> bool:
        return record.severity in self.severities and record.subject_kind in self.subjects


class IntegrityRecordQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> IntegrityRecordQuerySet:
        """Records in force on ``day``: begun, not yet at their end, not ended early."""
        return (
            self.filter(starts_on__lte=day)
            .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day))
            .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day))
        )

    def of_subjects(self, *, enterprises=(), users=(), experts=()) -> IntegrityRecordQuerySet:
        enterprise_ids = [e.pk if hasattr(e, "pk") else e for e in enterprises if e]
        user_ids = [u.pk if hasattr(u, "pk") else u for u in users if u]
        expert_ids = [x.pk if hasattr(x, "pk") else x for x in experts if x]
        condition = models.Q(pk__in=[])
        if enterprise_ids:
            condition |= models.Q(
                subject_kind=SubjectKind.ENTERPRISE, enterprise_id__in=enterprise_ids
            )
        if user_ids:
            condition |= models.Q(subject_kind=SubjectKind.PERSON, user_id__in=user_ids)
        if expert_ids:
            condition |= models.Q(subject_kind=SubjectKind.EXPERT, expert_id__in=expert_ids)
        return self.filter(condition)


class IntegrityRecord(models.Model):
    """One finding of misconduct (科研失信行为) against an enterprise, a person or an expert,
    with its decision document and the period it applies. Added by staff with a reason and never
    deleted: an appeal (申诉) or a credit repair (信用修复) ends it early, with the reason kept."""

    number = models.CharField("记录编号", max_length=30, unique=True)
    subject_kind = models.CharField("主体类型", max_length=20, choices=SubjectKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_records",
    )
    expert = models.ForeignKey(
        "experts.Expert",
        verbose_name="专家",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_records",
    )
    person_name = models.CharField("姓名", max_length=50, blank=True)
    person_id_number = models.CharField(
        "身份证号", max_length=18, blank=True, help_text="个人主体填写，用于准确识别当事人。"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="对应平台账号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_records",
        help_text="个人主体在本平台的账号（申报人），用于拦截其提交的申报。",
    )
    kind = models.CharField("失信行为", max_length=30, choices=MisconductKind.choices)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    facts = models.TextField("失信事实")
    decision_no = models.CharField("处理决定文号", max_length=100)
    decision_file = models.FileField("处理决定书", upload_to="integrity/", max_length=200)
    decision_name = models.CharField("决定书文件名", max_length=120)
    decision_type = models.CharField("决定书类型", max_length=100)
    decision_sha256 = models.CharField("决定书 SHA-256", max_length=64)
    starts_on = models.DateField("惩戒开始日期")
    ends_on = models.DateField("惩戒结束日期", null=True, blank=True, help_text="空白为长期。")
    reason = models.TextField("登记理由")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    ended_on = models.DateField("提前终止日期", null=True, blank=True)
    end_kind = models.CharField("终止方式", max_length=20, choices=EndKind.choices, blank=True)
    end_reason = models.TextField("终止理由", blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="终止办理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    objects = IntegrityRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "科研诚信记录"
        verbose_name_plural = "科研诚信记录"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        subject_kind="enterprise", enterprise__isnull=False, expert__isnull=True
                    )
                    | models.Q(subject_kind="expert", expert__isnull=False, enterprise__isnull=True)
                    | (
                        models.Q(subject_kind="person", expert__isnull=True)
                        & ~models.Q(person_name="")
                    )
                ),
                name="integrity_subject_named",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="integrity_period_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason="") & ~models.Q(decision_no=""),
                name="integrity_reason_and_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, end_kind="", end_reason="")
                | (
                    models.Q(ended_on__isnull=False)
                    & ~models.Q(end_kind="")
                    & ~models.Q(end_reason="")
                ),
                name="integrity_early_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name}：{self.get_kind_display()}（{self.get_severity_display()}）"

    @property
    def subject_name(self) -> str:
        if self.subject_kind == SubjectKind.ENTERPRISE and self.enterprise_id:
            return self.enterprise.name
        if self.subject_kind == SubjectKind.EXPERT and self.expert_id:
            return self.expert.name
        return self.person_name

    @property
    def subject_code(self) -> str:
        if self.subject_kind == SubjectKind.ENTERPRISE and self.enterprise_id:
            return self.enterprise.credit_code
        if self.subject_kind == SubjectKind.PERSON and self.person_id_number:
            return self.person_id_number[:6] + "********" + self.person_id_number[-4:]
        return ""

    def is_active_on(self, day: dt.date) -> bool:
        return (
            self.starts_on <= day
            and (self.ends_on is None or self.ends_on >= day)
            and (self.ended_on is None or self.ended_on > day)
        )

    @property
    def label(self) -> str:
        """How a refusal or a draw record names it."""
        period = f"{self.starts_on} 至 {self.ends_on or '长期'}"
        return (
            f"科研诚信记录 {self.number}（{self.get_kind_display()}，"
            f"{self.get_severity_display()}，{self.decision_no}，{period}）"
        )

    def delete(self, *args, **kwargs):
        raise PermissionError("科研诚信记录不能删除；申诉成立或信用修复时请提前终止并写明理由。")


class DuplicatePair(models.Model):
    """An application found similar to another application or project by the duplicate check
    (查重), and the staff's finding on it."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="被查申报",
        on_delete=models.PROTECT,
        related_name="duplicate_pairs",
    )
    other = models.ForeignKey(
        "projects.Project",
        verbose_name="相似的申报或项目",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("类型", max_length=20, choices=PairKind.choices)
    name_similarity = models.DecimalField("名称相似度", max_digits=4, decimal_places=3)
    summary_similarity = models.DecimalField("简介相似度", max_digits=4, decimal_places=3)
    found_at = models.DateTimeField("发现时间")
    found_during = models.CharField("查重环节", max_length=20)
    decision = models.CharField(
        "认定", max_length=20, choices=PairDecision.choices, default=PairDecision.PENDING
    )
    decision_reason = models.TextField("认定理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "查重相似申报"
        verbose_name_plural = "查重相似申报"
        ordering = ["project", "-summary_similarity", "-name_similarity"]
        constraints = [
            models.UniqueConstraint(fields=["project", "other"], name="duplicatepair_once"),
            models.CheckConstraint(
                condition=~models.Q(project=models.F("other")), name="duplicatepair_two_records"
            ),
            models.CheckConstraint(
                condition=models.Q(decision="pending") | ~models.Q(decision_reason=""),
                name="duplicatepair_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} ~ {self.other.number}"

    @property
    def similarity(self):
        return max(self.name_similarity, self.summary_similarity)


class TownRecommendation(models.Model):
    """The opinion of the enterprise's town (推荐单位) on an application of a call that asks for
    one; the 推荐函 PDF is generated from it."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="申报",
        on_delete=models.PROTECT,
        related_name="town_recommendation",
    )
    town = models.ForeignKey("kejiju.Town", verbose_name="镇街", on_delete=models.PROTECT)
    decision = models.CharField("推荐意见", max_length=20, choices=RecommendationDecision.choices)
    opinion = models.TextField("意见")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办理人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    letter_sha256 = models.CharField("推荐函 SHA-256", max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "镇街推荐"
        verbose_name_plural = "镇街推荐"
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(opinion=""), name="townrecommendation_has_opinion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town}：{self.get_decision_display()}"
