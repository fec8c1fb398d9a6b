from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from . import numbers
from .choices import ActivityKind, DisputeOutcome, LegalStatus, PatentType
from .querysets import DisputeCaseQuerySet, PatentQuerySet


class Patent(models.Model):
    """A patent application filed by an applicant of the county, and its grant if any."""

    application_number = models.CharField(
        "申请号",
        max_length=16,
        unique=True,
        help_text="如 201410123456.7；可带 CN/ZL 前缀，可省略小数点",
    )
    kind = models.CharField("专利类型", max_length=10, choices=PatentType.choices)
    title = models.CharField("专利名称", max_length=300)
    applicants = models.CharField(
        "申请人", max_length=500, help_text="按原文填写，多个申请人以“；”分隔"
    )
    applicant_credit_code = models.CharField("申请人统一社会信用代码", max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="关联企业",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patents",
    )
    # Searched through the composite indexes below: fewer indexes keep bulk imports fast. The
    # search box has trigram indexes on PostgreSQL (migration 0003), outside the model state.
    filed_on = models.DateField("申请日")
    granted_on = models.DateField("授权公告日", null=True, blank=True, db_index=True)
    legal_status = models.CharField(
        "法律状态", max_length=10, choices=LegalStatus.choices, default=LegalStatus.PENDING
    )
    # A patent's history is read by the patent (id) and by date; the other columns' indexes
    # would only slow every import of the register down.
    history = HistoricalRecords(no_db_index=["application_number", "granted_on", "enterprise"])

    objects = PatentQuerySet.as_manager()

    class Meta:
        verbose_name = "专利"
        verbose_name_plural = "专利"
        ordering = ["-filed_on", "-id"]
        indexes = [
            models.Index(fields=["-filed_on", "-id"], name="patent_list_order"),
            models.Index(fields=["kind", "filed_on"], name="patent_kind_filed"),
            models.Index(fields=["kind", "granted_on"], name="patent_kind_granted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(granted_on__isnull=True)
                | models.Q(granted_on__gte=models.F("filed_on")),
                name="patent_granted_after_filed",
                violation_error_message="授权公告日不能早于申请日。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_number} {self.title}"

    def clean(self) -> None:
        super().clean()
        try:
            number = numbers.parse(self.application_number)
        except numbers.InvalidApplicationNumber as exc:
            raise ValidationError({"application_number": str(exc)}) from None
        self.application_number = number.value
        if self.kind and self.kind != number.kind:
            raise ValidationError(
                {
                    "kind": f"申请号的类型位 {number.type_digit} 表示{number.kind.label}，与所填类型不符。"
                }
            )
        self.kind = number.kind
        if self.granted_on and self.filed_on and self.granted_on < self.filed_on:
            raise ValidationError({"granted_on": "授权公告日不能早于申请日。"})

    @property
    def is_valid_invention(self) -> bool:
        return (
            self.kind == PatentType.INVENTION
            and self.granted_on is not None
            and self.legal_status != LegalStatus.LAPSED
        )


class DisputeCase(models.Model):
    """A patent dispute the bureau handled (维权援助), from acceptance to its outcome."""

    case_number = models.CharField("案件编号", max_length=50, unique=True)
    cause = models.CharField("案由", max_length=200, blank=True)
    parties = models.CharField("当事人", max_length=300, blank=True)
    accepted_on = models.DateField("受理日期", db_index=True)
    closed_on = models.DateField("结案日期", null=True, blank=True, db_index=True)
    outcome = models.CharField(
        "处理结果", max_length=12, choices=DisputeOutcome.choices, default=DisputeOutcome.PENDING
    )
    history = HistoricalRecords()

    objects = DisputeCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "专利纠纷案件"
        verbose_name_plural = "专利纠纷案件"
        ordering = ["-accepted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("accepted_on")),
                name="dispute_closed_after_accepted",
                violation_error_message="结案日期不能早于受理日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number


class IPActivity(models.Model):
    """An IP publicity event, training or competition (e.g. on 4·26 World IP Day)."""

    held_on = models.DateField("日期", db_index=True)
    kind = models.CharField("活动类型", max_length=12, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=200)
    location = models.CharField("地点", max_length=200, blank=True)
    participants = models.PositiveIntegerField("参与人次", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "知识产权活动"
        verbose_name_plural = "知识产权活动"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participants__gte=0),
                name="ip_activity_participants_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"
