"""The 任务书 (task contract) signed after approval, its 考核指标 checked at acceptance, and the
on-site inspection (实地考察). Imported by projects.models."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

AMOUNT = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 2}


class TaskBookStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "退回修改"
    SIGNED = "signed", "已签订"
    SUPERSEDED = "superseded", "已被新版本替代"


OPEN_STATUSES = (TaskBookStatus.DRAFT, TaskBookStatus.SUBMITTED, TaskBookStatus.RETURNED)


class IndicatorKind(models.TextChoices):
    INVENTION_FILED = "invention_filed", "发明专利申请"
    INVENTION_GRANTED = "invention_granted", "发明专利授权"
    UTILITY_GRANTED = "utility_granted", "实用新型专利授权"
    NEW_PRODUCT = "new_product", "新产品"
    NEW_SALES = "new_sales", "新增销售收入"
    RD_INPUT = "rd_input", "研发投入"
    STANDARD = "standard", "标准"
    TALENT = "talent", "人才"
    OTHER = "other", "其他（自定）"


# The unit each kind is normally counted in (offered when the row is added; the unit is kept
# as entered).
INDICATOR_UNITS = {
    IndicatorKind.INVENTION_FILED: "件",
    IndicatorKind.INVENTION_GRANTED: "件",
    IndicatorKind.UTILITY_GRANTED: "件",
    IndicatorKind.NEW_PRODUCT: "个",
    IndicatorKind.NEW_SALES: "万元",
    IndicatorKind.RD_INPUT: "万元",
    IndicatorKind.STANDARD: "项",
    IndicatorKind.TALENT: "人",
}
# Indicators counted from the patent register: (patent kind, counted by the grant date).
PATENT_COUNTED = {
    IndicatorKind.INVENTION_FILED: ("invention", False),
    IndicatorKind.INVENTION_GRANTED: ("invention", True),
    IndicatorKind.UTILITY_GRANTED: ("utility", True),
}


class BudgetSubject(models.TextChoices):
    """The national budget subjects of a grant, with the finer lines of 业务费."""

    EQUIPMENT = "equipment", "设备费"
    MATERIAL = "material", "业务费：材料费"
    TESTING = "testing", "业务费：测试化验加工费"
    FUEL = "fuel", "业务费：燃料动力费"
    TRAVEL = "travel", "业务费：差旅/会议/国际合作交流费"
    PUBLICATION = "publication", "业务费：出版/文献/信息传播/知识产权事务费"
    OTHER = "other", "业务费：其他"
    LABOR = "labor", "劳务费"
    CONSULTING = "consulting", "专家咨询费"


class InspectionOccasion(models.TextChoices):
    SHORTLIST = "shortlist", "立项前（专家评审后入围）"
    MIDTERM = "midterm", "中期"
    ACCEPTANCE = "acceptance", "验收"


class InspectionConclusion(models.TextChoices):
    TRUE = "true", "属实"
    MOSTLY_TRUE = "mostly_true", "基本属实"
    UNTRUE = "untrue", "不属实"


class TaskBook(models.Model):
    """One version of a project's 任务书. The enterprise fills and submits it; staff return it
    or sign it. A change of indicators or budget opens the next version; signing that one
    supersedes the former. Disbursement needs a signed version."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="task_books"
    )
    version = models.PositiveSmallIntegerField("版本")
    status = models.CharField(
        "状态", max_length=20, choices=TaskBookStatus.choices, default=TaskBookStatus.DRAFT
    )
    objectives = models.TextField("项目目标与主要内容", blank=True)
    starts_on = models.DateField("实施开始日期")
    ends_on = models.DateField("实施结束日期")
    grant = models.DecimalField("财政资助(万元)", **AMOUNT)
    self_raised = models.DecimalField("自筹(万元)", **AMOUNT)
    budget_total = models.DecimalField("总预算(万元)", **AMOUNT)
    # The sums of the budget lines, kept by the service with the lines.
    lines_grant = models.DecimalField("预算明细财政资助合计(万元)", default=0, **AMOUNT)
    lines_self = models.DecimalField("预算明细自筹合计(万元)", default=0, **AMOUNT)
    change = models.ForeignKey(
        "projects.ProjectChange",
        verbose_name="所依据的项目变更",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_books",
    )
    review_comment = models.TextField("审核意见", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承担单位确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("承担单位确认时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="科技局确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField("科技局确认时间", null=True, blank=True)
    pdf = models.FileField("签订版 PDF", upload_to="projects/task_books/", blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    completion_rate = models.DecimalField("考核指标总体完成率(%)", null=True, blank=True, **RATE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目任务书"
        verbose_name_plural = "项目任务书"
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="task_book_version_once"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="signed"),
                name="task_book_one_signed",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="task_book_one_open",
            ),
            models.CheckConstraint(
                condition=Q(grant__gt=0)
                & Q(self_raised__gte=0)
                & Q(budget_total=F("grant") + F("self_raised")),
                name="task_book_totals_add_up",
                violation_error_message="总预算应等于财政资助与自筹之和。",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"])
                | (Q(lines_grant=F("grant")) & Q(lines_self=F("self_raised"))),
                name="task_book_lines_match_totals",
                violation_error_message="预算明细合计应等于财政资助与自筹金额。",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "superseded"])
                | (
                    Q(submitted_by__isnull=False)
                    & Q(signed_by__isnull=False)
                    & Q(signed_at__isnull=False)
                    & ~Q(pdf_sha256="")
                ),
                name="task_book_signed_by_both",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="task_book_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} 任务书（第 {self.version} 版）"

    @property
    def editable(self) -> bool:
        return self.status in (TaskBookStatus.DRAFT, TaskBookStatus.RETURNED)


class TaskBookMilestone(models.Model):
    task_book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField("序号")
    due_on = models.DateField("完成时间")
    content = models.CharField("进度安排与节点目标", max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务书进度节点"
        verbose_name_plural = "任务书进度节点"
        ordering = ["task_book", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_book", "position"], name="task_book_milestone_position_once"
            ),
            models.CheckConstraint(condition=~Q(content=""), name="task_book_milestone_content"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.content}"


class TaskBookIndicator(models.Model):
    """One 考核指标: target at signature, actual and completion at acceptance."""

    task_book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("指标类型", max_length=30, choices=IndicatorKind.choices)
    name = models.CharField("指标名称", max_length=100)
    unit = models.CharField("单位", max_length=20)
    target = models.DecimalField("目标值", **AMOUNT)
    actual = models.DecimalField("实际完成值", null=True, blank=True, **AMOUNT)
    actual_note = models.TextField("完成情况说明", blank=True)
    evidence = models.ForeignKey(
        "projects.ProjectDocument",
        verbose_name="佐证材料",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completion = models.DecimalField("完成率(%)", null=True, blank=True, **RATE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["task_book", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_book", "position"], name="task_book_indicator_position_once"
            ),
            models.CheckConstraint(
                condition=~Q(unit="") & ~Q(name="") & Q(target__gt=0),
                name="task_book_indicator_unit_and_target",
                violation_error_message="考核指标须有名称、单位和大于 0 的目标值。",
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0),
                name="task_book_indicator_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.target} {self.unit}"

    @property
    def counted_from_patents(self) -> bool:
        return self.kind in PATENT_COUNTED


class TaskBookBudgetLine(models.Model):
    task_book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="budget_lines")
    subject = models.CharField("预算科目", max_length=20, choices=BudgetSubject.choices)
    grant = models.DecimalField("财政资助(万元)", default=0, **AMOUNT)
    self_raised = models.DecimalField("自筹(万元)", default=0, **AMOUNT)
    note = models.CharField("测算依据", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务书预算明细"
        verbose_name_plural = "任务书预算明细"
        ordering = ["task_book", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_book", "subject"], name="task_book_budget_subject_once"
            ),
            models.CheckConstraint(
                condition=Q(grant__gte=0) & Q(self_raised__gte=0),
                name="task_book_budget_line_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.grant}+{self.self_raised} 万元"

    @property
    def total(self):
        return self.grant + self.self_raised


class AcceptancePatent(models.Model):
    """A patent of the register counted towards a patent indicator at acceptance; staff untick
    one that belongs to another project."""

    indicator = models.ForeignKey(
        TaskBookIndicator, on_delete=models.CASCADE, related_name="patents"
    )
    patent = models.ForeignKey("patents.Patent", on_delete=models.PROTECT, related_name="+")
    counted = models.BooleanField("计入", default=True)
    unticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取消计入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField("取消计入理由", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "验收计入专利"
        verbose_name_plural = "验收计入专利"
        ordering = ["indicator", "patent__filed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "patent"], name="acceptance_patent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.patent}（{'计入' if self.counted else '不计入'}）"


class ProjectInspection(models.Model):
    """An on-site inspection (实地考察) of an application or project."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="inspections"
    )
    occasion = models.CharField("考察阶段", max_length=20, choices=InspectionOccasion.choices)
    inspected_on = models.DateField("考察日期")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="考察人员（科技局）", related_name="+"
    )
    experts = models.ManyToManyField(
        "experts.Expert", verbose_name="考察专家", blank=True, related_name="+"
    )
    checked = models.TextField("核查内容（对照申报材料）")
    findings = models.TextField("考察发现")
    conclusion = models.CharField("考察结论", max_length=20, choices=InspectionConclusion.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[staff, experts])

    class Meta:
        verbose_name = "实地考察"
        verbose_name_plural = "实地考察"
        ordering = ["-inspected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(checked="") & ~Q(findings=""),
                name="project_inspection_checked_and_findings",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} 实地考察（{self.inspected_on}）"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(
        ProjectInspection, on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField("照片", upload_to="projects/inspections/", max_length=200)
    original_name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "实地考察照片"
        verbose_name_plural = "实地考察照片"
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return self.original_name
