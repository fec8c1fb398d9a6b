from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..choices import ApplicationKind, ApplicationStatus, RecognitionKind, Verdict


class RuleSetQuerySet(models.QuerySet):
    def effective_on(self, kind: str, day: date) -> "RuleSet | None":
        return (
            self.filter(kind=kind, effective_from__lte=day)
            .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day))
            .order_by("-effective_from")
            .first()
        )


class RuleSet(models.Model):
    """One version of the thresholds and score bands of an application's rules (DOMAIN.md §1,
    §2), valid from ``effective_from`` to ``effective_to``. Keys listed in
    ``thresholds["unverified"]`` are shown as (未经核实) in the pre-check."""

    kind = models.CharField("申报类型", max_length=20, choices=ApplicationKind.choices)
    version = models.CharField("版本", max_length=60)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    thresholds = models.JSONField("阈值与评分档次")
    source = models.CharField("依据", max_length=200, blank=True)
    objects = RuleSetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "认定规则版本"
        verbose_name_plural = "认定规则版本"
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="ruleset_kind_version"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="ruleset_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"

    def is_unverified(self, key: str) -> bool:
        return key in self.thresholds.get("unverified", [])


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApplicationQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.is_bureau_staff:
            return self
        if user.role == "enterprise" and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        return self.none()

    def in_review(self) -> "ApplicationQuerySet":
        return self.filter(status=ApplicationStatus.SUBMITTED)


class Application(models.Model):
    """An enterprise's online application (高新技术企业认定, 科技型中小企业评价, 研发机构认定):
    the figures it declares, the pre-check computed from them and its place in the workflow."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    kind = models.CharField("申报类型", max_length=20, choices=ApplicationKind.choices)
    recognition = models.CharField(
        "认定类型", max_length=10, choices=RecognitionKind.choices, blank=True
    )
    year = models.PositiveSmallIntegerField("申报年度")
    status = models.CharField(
        "状态",
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    figures = models.JSONField("申报数据", default=dict, blank=True)
    scores = models.JSONField("审核评分", default=dict, blank=True)
    precheck = models.JSONField("预审结果", default=dict, blank=True)
    verdict = models.CharField("预审结论", max_length=10, choices=Verdict.choices, blank=True)
    rule_set = models.ForeignKey(
        RuleSet, verbose_name="适用规则", on_delete=models.PROTECT, null=True, blank=True
    )
    override_verdict = models.CharField(
        "人工认定结论", max_length=10, choices=Verdict.choices, blank=True
    )
    override_reason = models.CharField("人工认定理由", max_length=500, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="人工认定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    override_at = models.DateTimeField("人工认定时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "企业申报"
        verbose_name_plural = "企业申报"
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(override_verdict="") | ~models.Q(override_reason=""),
                name="application_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.title}"

    @property
    def title(self) -> str:
        label = self.get_kind_display()
        if self.recognition:
            label += f"（{self.get_recognition_display()}）"
        return f"{self.year}年{label}"

    @property
    def editable(self) -> bool:
        return self.status in (
            ApplicationStatus.DRAFT,
            ApplicationStatus.RETURNED,
            ApplicationStatus.WITHDRAWN,
        )

    @property
    def effective_verdict(self) -> str:
        return self.override_verdict or self.verdict


class ApplicationTransition(models.Model):
    """One step of an application's workflow: who moved it from which status to which, when and
    why. Append-only; the enterprise sees these as the application's timeline."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        "原状态", max_length=12, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField("新状态", max_length=12, choices=ApplicationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "申报流转记录"
        verbose_name_plural = "申报流转记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Attachment(models.Model):
    """A file attached to an application, checked by content and stored under a server-generated
    name; served only through a view that checks who asks (kejiju.uploads)."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.CASCADE, related_name="attachments"
    )
    description = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to="applications/", max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "申报附件"
        verbose_name_plural = "申报附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
