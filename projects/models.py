from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import (
    AcceptanceResult,
    ChangeKind,
    ContractType,
    FundingMode,
    ProjectStatus,
    Stage,
    TrancheDue,
)
from .querysets import (
    AuctionDealQuerySet,
    CallQuerySet,
    DraftQuerySet,
    ProjectQuerySet,
    TechContractQuerySet,
)

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class Call(models.Model):
    """A call for applications (申报通知) of one plan category and year, with its limits."""

    category = models.ForeignKey(
        "kejiju.PlanCategory",
        verbose_name="计划类别",
        on_delete=models.PROTECT,
        related_name="calls",
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("通知标题", max_length=200)
    text = models.TextField("通知正文")
    template_file = models.FileField(
        "申报书模板", upload_to="projects/calls/", blank=True, max_length=200
    )
    template_name = models.CharField("模板文件名", max_length=120, blank=True)
    template_type = models.CharField("模板类型", max_length=100, blank=True)
    opens_at = models.DateTimeField("申报开始时间")
    closes_at = models.DateTimeField("申报截止时间")
    budget_cap = models.DecimalField("资金总额上限(万元)", **AMOUNT)
    max_request = models.DecimalField("单个项目申请资助上限(万元)", null=True, blank=True, **AMOUNT)
    max_per_enterprise = models.PositiveSmallIntegerField("每家企业限报项目数", default=1)
    required_attachments = models.TextField(
        "必备附件", blank=True, help_text="每行一项，例如：营业执照、项目可行性报告"
    )
    requires_town_recommendation = models.BooleanField(
        "须镇街推荐",
        default=False,
        help_text="勾选后，申报须经企业所在镇街推荐，科技局才开始形式审查。",
    )
    review_closed_at = models.DateTimeField("专家评审结束时间", null=True, blank=True)
    notice_starts_on = models.DateField("公示开始日期", null=True, blank=True)
    notice_ends_on = models.DateField("公示截止日期", null=True, blank=True)
    results_published_at = models.DateTimeField("立项名单发布时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    objects = CallQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "申报通知"
        verbose_name_plural = "申报通知"
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_cap__gt=0), name="call_budget_cap_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_request__isnull=True) | models.Q(max_request__gt=0),
                name="call_max_request_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at

    @property
    def review_closed(self) -> bool:
        return self.review_closed_at is not None

    def required_attachment_list(self) -> list[str]:
        return [line.strip() for line in self.required_attachments.splitlines() if line.strip()]


class Commissioner(models.Model):
    """A science commissioner (科技特派员): a specialist sent to serve a town for a period."""

    name = models.CharField("姓名", max_length=50)
    employer = models.CharField("派出单位", max_length=200, blank=True)
    specialty = models.CharField("专业", max_length=100, blank=True)
    batch = models.CharField("批次", max_length=50, help_text="例如：2023年第一批")
    town = models.ForeignKey(
        "kejiju.Town", verbose_name="服务镇街", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("服务开始")
    ends_on = models.DateField("服务结束")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "科技特派员"
        verbose_name_plural = "科技特派员"
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="commissioner_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.batch}）"


class Project(models.Model):
    """A science & technology project filed under a plan category, from application to acceptance.

    Projects filed online carry a ``call`` and a lifecycle ``stage``; projects of higher-level plans
    recorded from spreadsheets have neither and carry only their reporting ``status`` and dates."""

    number = models.CharField("项目编号", max_length=60, unique=True)
    name = models.CharField("项目名称", max_length=300)
    category = models.ForeignKey(
        "kejiju.PlanCategory",
        verbose_name="计划类别",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    undertaker = models.CharField("承担单位", max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="承担企业",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    applied_on = models.DateField("申报日期", db_index=True)
    status = models.CharField("状态", max_length=20, choices=ProjectStatus.choices, db_index=True)
    approved_on = models.DateField("立项日期", null=True, blank=True, db_index=True)
    funding = models.DecimalField("资助金额(万元)", null=True, blank=True, **AMOUNT)
    funding_mode = models.CharField(
        "资助方式", max_length=20, choices=FundingMode.choices, blank=True
    )
    town = models.ForeignKey(
        "kejiju.Town",
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    # ---- the online lifecycle ----
    call = models.ForeignKey(
        Call,
        verbose_name="申报通知",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    stage = models.CharField(
        "环节", max_length=30, choices=Stage.choices, blank=True, db_index=True
    )
    summary = models.TextField("项目简介", blank=True)
    budget_total = models.DecimalField("总预算(万元)", null=True, blank=True, **AMOUNT)
    self_raised = models.DecimalField("自筹资金(万元)", null=True, blank=True, **AMOUNT)
    requested = models.DecimalField("申请资助(万元)", null=True, blank=True, **AMOUNT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申报人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    draw = models.OneToOneField(
        "experts.Draw",
        verbose_name="专家抽取",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project",
    )
    starts_on = models.DateField("计划开始日期", null=True, blank=True)
    ends_on = models.DateField("计划完成日期", null=True, blank=True)
    disbursed = models.DecimalField("已拨付(万元)", default=0, **AMOUNT)
    acceptance_result = models.CharField(
        "验收结论", max_length=20, choices=AcceptanceResult.choices, blank=True
    )
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    commissioner = models.ForeignKey(
        Commissioner,
        verbose_name="科技特派员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "科技项目"
        verbose_name_plural = "科技项目"
        ordering = ["-applied_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funding__isnull=True) | models.Q(funding__gte=0),
                name="project_funding_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_on__isnull=True)
                | models.Q(approved_on__gte=models.F("applied_on")),
                name="project_approved_after_applied",
            ),
            models.CheckConstraint(
                condition=models.Q(disbursed__gte=0)
                & (
                    models.Q(funding__isnull=True, disbursed=0)
                    | models.Q(disbursed__lte=models.F("funding"))
                ),
                name="project_disbursed_within_grant",
            ),
            models.CheckConstraint(
                condition=models.Q(requested__isnull=True)
                | (
                    models.Q(requested__gte=0)
                    & models.Q(self_raised__gte=0)
                    & models.Q(requested__lte=models.F("budget_total"))
                ),
                name="project_budget_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def remaining_grant(self):
        return (self.funding or 0) - self.disbursed

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.stage == Stage.EXECUTING and self.ends_on and self.ends_on < timezone.localdate()
        )


class ProjectEvent(models.Model):
    """One step of a project's lifecycle: who did what, when and why. Append-only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("事项", max_length=60)
    stage_from = models.CharField("原环节", max_length=30, choices=Stage.choices, blank=True)
    stage_to = models.CharField("新环节", max_length=30, choices=Stage.choices, blank=True)
    note = models.TextField("说明", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "项目办理记录"
        verbose_name_plural = "项目办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("办理记录只能追加，不能修改。")
        super().save(*args, **kwargs)


class ProjectDocument(models.Model):
    """A file attached to an application or to a later step (任务书, 验收报告 …)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to="projects/documents/", max_length=200)
    original_name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目材料"
        verbose_name_plural = "项目材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.kind


class ApplicationDraft(models.Model):
    """An application an enterprise is still writing against a call: the fields as typed (kept
    even while they do not validate) and the files already chosen (``documents``). Submitting
    turns it into a ``Project`` and removes it (services.submit_draft)."""

    call = models.ForeignKey(
        Call, verbose_name="申报通知", on_delete=models.PROTECT, related_name="drafts"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="申报企业",
        on_delete=models.CASCADE,
        related_name="project_drafts",
    )
    data = models.JSONField("填写内容", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("保存时间", auto_now=True)
    objects = DraftQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目申报草稿"
        verbose_name_plural = "项目申报草稿"
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.data.get("name") or f"{self.call} 草稿"

    @property
    def name(self) -> str:
        return (self.data.get("name") or "").strip() or "（未填写项目名称）"


class DraftDocument(models.Model):
    """A file kept with a draft for one of the call's required attachments (one per kind)."""

    draft = models.ForeignKey(
        ApplicationDraft, verbose_name="草稿", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to="projects/documents/", max_length=200)
    original_name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "草稿材料"
        verbose_name_plural = "草稿材料"
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "kind"], name="draft_document_kind_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}：{self.original_name}"


class Objection(models.Model):
    """An objection received during the public notice, and the bureau's answer."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField("收到日期")
    raised_by = models.CharField("异议人", max_length=100, blank=True)
    text = models.TextField("异议内容")
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project.name} 的异议（{self.received_on}）"


class Tranche(models.Model):
    """One planned payment of a project's grant, set at approval."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    position = models.PositiveSmallIntegerField("期次")
    amount = models.DecimalField("计划金额(万元)", **AMOUNT)
    due = models.CharField("拨付条件", max_length=20, choices=TrancheDue.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "拨付计划"
        verbose_name_plural = "拨付计划"
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="tranche_position_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="tranche_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.position}期 {self.amount} 万元（{self.get_due_display()}）"


class Disbursement(models.Model):
    """Money paid out of a project's grant. The project's ``disbursed`` total, kept by the
    service, is held at or below the grant by a database constraint."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="disbursements")
    tranche = models.ForeignKey(
        Tranche, verbose_name="期次", on_delete=models.PROTECT, related_name="disbursements"
    )
    amount = models.DecimalField("拨付金额(万元)", **AMOUNT)
    paid_on = models.DateField("拨付日期")
    voucher_no = models.CharField("凭证号", max_length=60, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "资金拨付"
        verbose_name_plural = "资金拨付"
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="disbursement_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_no} {self.amount} 万元"


class ProjectChange(models.Model):
    """The one change or extension a project may have during execution."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="change")
    kind = models.CharField("类型", max_length=20, choices=ChangeKind.choices)
    previous_end = models.DateField("原完成日期")
    new_end = models.DateField("新完成日期")
    reason = models.TextField("理由")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "项目变更/延期"
        verbose_name_plural = "项目变更/延期"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_end__gte=models.F("previous_end")),
                name="change_not_earlier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}至 {self.new_end}"


class FinancialAudit(models.Model):
    """The financial audit before acceptance of a project whose grant reaches the threshold."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="audit")
    firm = models.CharField("审计机构", max_length=200)
    audited_expenditure = models.DecimalField("审定支出(万元)", **AMOUNT)
    findings = models.TextField("审计意见")
    audited_on = models.DateField("审计日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "财务审计"
        verbose_name_plural = "财务审计"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audited_expenditure__gte=0),
                name="audit_expenditure_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} {self.audited_on}"


class TechContract(models.Model):
    """A technology contract registered with the bureau (技术合同认定登记)."""

    registration_no = models.CharField("合同登记号", max_length=60, unique=True)
    name = models.CharField("合同名称", max_length=300)
    kind = models.CharField("合同类型", max_length=20, choices=ContractType.choices)
    seller = models.CharField("卖方", max_length=200)
    buyer = models.CharField("买方", max_length=200)
    amount = models.DecimalField("成交金额(万元)", **AMOUNT)
    tech_amount = models.DecimalField("技术交易额(万元)", null=True, blank=True, **AMOUNT)
    registered_on = models.DateField("登记日期", db_index=True)
    objects = TechContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同"
        ordering = ["-registered_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="contract_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(tech_amount__isnull=True)
                | (models.Q(tech_amount__gte=0) & models.Q(tech_amount__lte=models.F("amount"))),
                name="contract_tech_amount_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_no} {self.name}"


class AuctionDeal(models.Model):
    """A deal struck at a technology-achievement auction (科技成果竞价)."""

    achievement = models.CharField("成果名称", max_length=300, unique=True)
    winner = models.CharField("竞得企业", max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="竞得企业（登记）",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="auction_deals",
    )
    amount = models.DecimalField("成交金额(万元)", **AMOUNT)
    dealt_on = models.DateField("成交日期", db_index=True)
    event = models.CharField("活动名称", max_length=200, blank=True)
    objects = AuctionDealQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "成果竞价成交"
        verbose_name_plural = "成果竞价成交"
        ordering = ["-dealt_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="auction_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.achievement


from .task_book_models import (  # noqa: E402, F401  the 任务书, 考核指标 and 实地考察 models
    AcceptancePatent,
    InspectionPhoto,
    ProjectInspection,
    TaskBook,
    TaskBookBudgetLine,
    TaskBookIndicator,
    TaskBookMilestone,
)
