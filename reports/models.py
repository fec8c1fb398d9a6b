from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kejiju.choices import ReportSection

from . import placeholders
from .choices import NarrativeSection, RenderFormat, RenderState

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
VALUE = {"max_digits": 20, "decimal_places": 2}

# A running render whose worker has not reported for this long is taken as dead.
STALE_HEARTBEAT = timedelta(minutes=2)
# No summary takes this long; a job still "running" after it is re-runnable whatever its heartbeat.
MAX_RUNTIME = timedelta(minutes=15)
# A job nobody picked up for this long (worker down, message lost) is re-runnable too.
MAX_QUEUED = timedelta(minutes=10)
# A request joining a job still queued after this long sends its task again (claiming is
# idempotent, so a duplicate message costs nothing).
RESUBMIT_QUEUED = timedelta(seconds=30)


class IndicatorSnapshot(models.Model):
    """The indicators of one year as last computed; dashboards and the summary read only this."""

    year = models.PositiveSmallIntegerField("年度", unique=True, validators=YEAR_VALIDATORS)
    computed_at = models.DateTimeField("计算时间")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度指标快照"
        verbose_name_plural = "年度指标快照"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度指标"

    def value_map(self) -> dict[str, IndicatorValue]:
        return {value.key: value for value in self.values.all()}


class IndicatorValue(models.Model):
    """One indicator's value in a year's snapshot, with the label and unit it had then, so an
    old summary renders the same after an indicator is renamed."""

    snapshot = models.ForeignKey(
        IndicatorSnapshot, verbose_name="快照", on_delete=models.CASCADE, related_name="values"
    )
    key = models.CharField("指标代码", max_length=100)
    label = models.CharField("指标名称", max_length=200)
    unit = models.CharField("单位", max_length=20, blank=True)
    section = models.CharField("所属部分", max_length=20, choices=ReportSection.choices)
    position = models.PositiveIntegerField("排序", default=0)
    value = models.DecimalField("数值", **VALUE)
    yoy = models.DecimalField("同比(%)", max_digits=12, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "key"], name="indicator_value_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class YearTarget(models.Model):
    """A target for a year: a number or a range (120–125) on an indicator, or a target described
    in words only when no indicator measures it (e.g. 设立宏观观测点5个)."""

    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS, db_index=True)
    indicator_key = models.CharField(
        "对应指标", max_length=100, blank=True, help_text="不对应统计指标的目标留空，只填写名称。"
    )
    label = models.CharField("目标名称", max_length=200)
    minimum = models.DecimalField("目标值（下限）", null=True, blank=True, **VALUE)
    maximum = models.DecimalField(
        "目标值（上限）",
        null=True,
        blank=True,
        help_text="区间目标填写上限，如 120–125 填 125。",
        **VALUE,
    )
    unit = models.CharField("单位", max_length=20, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["year", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "indicator_key"],
                condition=~models.Q(indicator_key=""),
                name="year_target_once_per_indicator",
                violation_error_message="该年度已有对应此指标的目标，请修改原有目标。",
            ),
            models.CheckConstraint(
                condition=models.Q(maximum__isnull=True)
                | (models.Q(minimum__isnull=False) & models.Q(maximum__gte=models.F("minimum"))),
                name="year_target_range_ordered",
                violation_error_message="目标上限不能小于下限。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.label} {self.target_text}"

    def save(self, *args, **kwargs) -> None:
        if self.indicator_key and not self.unit:
            from .registry import by_key

            indicator = by_key().get(self.indicator_key)
            self.unit = indicator.unit if indicator else ""
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        from .registry import by_key

        errors = {}
        if self.indicator_key:
            indicator = by_key().get(self.indicator_key)
            if indicator is None:
                errors["indicator_key"] = f"未知指标“{self.indicator_key}”。"
            else:
                self.unit = self.unit or indicator.unit
            if self.minimum is None:
                errors["minimum"] = "对应统计指标的目标须填写目标值。"
        if self.maximum is not None:
            if self.minimum is None:
                errors["minimum"] = "填写了上限时须同时填写下限。"
            elif self.maximum < self.minimum:
                errors["maximum"] = "上限不能小于下限。"
        if errors:
            raise ValidationError(errors)

    @property
    def is_range(self) -> bool:
        return self.maximum is not None and self.maximum != self.minimum

    @property
    def target_text(self) -> str:
        from .formatting import number

        if self.minimum is None:
            return ""
        text = number(self.minimum, self.unit)
        if self.is_range:
            text += f"–{number(self.maximum, self.unit)}"
        return f"{text}{self.unit}"

    def progress(self, value: Decimal | None) -> Decimal | None:
        """Percent of the (lower) target reached, capped at 100 for a progress bar."""
        if value is None or not self.minimum:
            return None
        return min(Decimal(100), (Decimal(value) / self.minimum * 100).quantize(Decimal("0.1")))


class Honour(models.Model):
    """An honour or ranking of the year that is entered, not computed (e.g. 国家知识产权试点城市)."""

    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS, db_index=True)
    text = models.CharField("荣誉或排名", max_length=300)
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度荣誉"
        verbose_name_plural = "年度荣誉"
        ordering = ["year", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.text}"


def validate_placeholders(text: str) -> None:
    from .registry import by_key

    unknown = placeholders.unknown_names(text, by_key())
    if unknown:
        names = "、".join(f"{{{name}}}" for name in unknown)
        raise ValidationError(
            f"占位符 {names} 不是已登记的指标代码，请检查拼写（同比写作 {{指标代码.yoy}}）。",
            code="unknown_placeholder",
        )


class NarrativeParagraph(models.Model):
    """A staff-written paragraph of the annual summary. ``{key}`` and ``{key.yoy}`` placeholders
    are filled from the year's snapshot when the summary is rendered."""

    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS, db_index=True)
    section = models.CharField("所属部分", max_length=20, choices=NarrativeSection.choices)
    order = models.PositiveSmallIntegerField("排序", default=0)
    text = models.TextField(
        "段落内容",
        help_text="可使用占位符，如 {hnte.total} 表示当年数值，{patent.invention.grants.yoy} 表示同比。",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "总结段落"
        verbose_name_plural = "总结段落"
        ordering = ["year", "section", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.get_section_display()} #{self.order}"

    def save(self, *args, **kwargs) -> None:
        # Checked here too so that no code path stores a paragraph that would break at render time.
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        try:
            validate_placeholders(self.text)
        except ValidationError as error:
            raise ValidationError({"text": error.messages}) from None


def summary_upload_to(job: SummaryRender, filename: str) -> str:
    return f"reports/summaries/{job.year}/{filename}"


class SummaryRenderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state__in=[RenderState.QUEUED, RenderState.RUNNING])

    def for_year(self, year: int):
        return self.filter(year=year).select_related("requested_by")


class SummaryRender(models.Model):
    """One rendering of the annual summary, PDF or Word. Its state lives here, not in the queue, so
    a worker that dies mid-render leaves a job that is seen as stale and can be re-run."""

    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    format = models.CharField("格式", max_length=10, choices=RenderFormat.choices)
    state = models.CharField(
        "状态", max_length=20, choices=RenderState.choices, default=RenderState.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    stage = models.CharField("当前步骤", max_length=100, blank=True)
    error = models.TextField("失败原因", blank=True)
    file = models.FileField("文件", upload_to=summary_upload_to, blank=True, max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="summary_renders",
    )
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    objects = SummaryRenderQuerySet.as_manager()

    class Meta:
        verbose_name = "工作总结生成任务"
        verbose_name_plural = "工作总结生成任务"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one active job per year and format: a second request joins it.
            models.UniqueConstraint(
                fields=["year", "format"],
                condition=models.Q(state__in=["queued", "running"]),
                name="one_active_summary_render",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="summary_render_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年工作总结（{self.get_format_display()}）"

    @property
    def is_active(self) -> bool:
        return self.state in (RenderState.QUEUED, RenderState.RUNNING)

    def is_stale(self, now=None) -> bool:
        """An active job nobody is working on any more: its worker died or never started."""
        now = now or timezone.now()
        if self.state == RenderState.QUEUED:
            return self.created_at is not None and now - self.created_at > MAX_QUEUED
        if self.state == RenderState.RUNNING:
            last_sign = self.heartbeat_at or self.started_at or self.created_at
            too_long = self.started_at is not None and now - self.started_at > MAX_RUNTIME
            return too_long or last_sign is None or now - last_sign > STALE_HEARTBEAT
        return False

    def should_resubmit(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == RenderState.QUEUED and now - self.created_at > RESUBMIT_QUEUED

    @property
    def can_retry(self) -> bool:
        return self.state == RenderState.FAILED or self.is_stale()

    @property
    def filename(self) -> str:
        return f"{self.year}年度工作总结.{self.format}"
