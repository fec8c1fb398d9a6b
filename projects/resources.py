"""Spreadsheet layouts of the projects app (DESIGN.md §3): ``projects`` 科技项目,
``tech_contracts`` 技术合同 and ``auction_deals`` 成果竞价."""

from import_export.fields import Field

from kejiju.imports import LayoutResource
from kejiju.imports.lookups import NameLookupWidget
from kejiju.imports.widgets import (
    ChoiceWidget,
    CodeTextWidget,
    CreditCodeWidget,
    DateWidget,
    DecimalWidget,
    TextWidget,
)
from kejiju.models import PlanCategory, Town

from .choices import (
    CONTRACT_TYPE_ALIASES,
    FUNDING_MODE_ALIASES,
    PROJECT_STATUS_ALIASES,
    ContractType,
    FundingMode,
    ProjectStatus,
)
from .models import AuctionDeal, Project, TechContract

APPROVED_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACCEPTED)


class EnterpriseLinkResource(LayoutResource):
    """A layout whose optional 统一社会信用代码 column links the row to a registered enterprise."""

    def prepare(self) -> None:
        from enterprises.models import Enterprise

        self.enterprises = dict(Enterprise.objects.values_list("credit_code", "pk"))

    def link_enterprise(self, values, errors) -> None:
        code = values.pop("enterprise_credit_code", "")
        if not code:
            return  # a link made earlier survives a re-import without the code
        if code not in self.enterprises:
            errors.add("统一社会信用代码", f"企业名录中没有统一社会信用代码为 {code} 的企业")
        else:
            values["enterprise_id"] = self.enterprises[code]

    def export_field(self, field, instance, **kwargs):
        if field.attribute == "enterprise_credit_code":
            return instance.enterprise.credit_code if instance.enterprise_id else ""
        return super().export_field(field, instance, **kwargs)

    def get_export_queryset(self, *args, **kwargs):
        return self._meta.model.objects.select_related("enterprise")


class ProjectResource(EnterpriseLinkResource):
    layout = "projects"
    title = "科技项目"
    required_columns = ("项目编号", "项目名称", "计划类别", "承担单位", "申报日期", "状态")
    column_aliases = {
        "项目编号": ("编号", "项目代码", "立项编号", "项目号"),
        "计划类别": ("项目类别", "计划类型", "类别", "项目类型", "计划名称"),
        "承担单位": ("申报单位", "项目承担单位", "单位名称", "承担企业"),
        "统一社会信用代码": ("社会信用代码", "信用代码", "承担单位统一社会信用代码"),
        "申报日期": ("申报时间", "申请日期"),
        "状态": ("项目状态", "立项状态"),
        "立项日期": ("立项时间", "批准日期", "下达日期"),
        "资助金额(万元)": ("补助金额(万元)", "资助经费(万元)", "补助资金(万元)", "财政资助(万元)"),
        "资助方式": ("补助方式", "支持方式"),
        "所属镇街": ("镇街", "所属乡镇", "乡镇"),
    }

    number = Field("number", "项目编号", widget=CodeTextWidget())
    name = Field("name", "项目名称", widget=TextWidget())
    category = Field(
        "category_id",
        "计划类别",
        widget=NameLookupWidget(PlanCategory, "计划类别", ("name", "code")),
    )
    undertaker = Field("undertaker", "承担单位", widget=TextWidget())
    credit_code = Field("enterprise_credit_code", "统一社会信用代码", widget=CreditCodeWidget())
    applied_on = Field("applied_on", "申报日期", widget=DateWidget())
    status = Field(
        "status", "状态", widget=ChoiceWidget(ProjectStatus, aliases=PROJECT_STATUS_ALIASES)
    )
    approved_on = Field("approved_on", "立项日期", widget=DateWidget())
    funding = Field("funding", "资助金额(万元)", widget=DecimalWidget())
    funding_mode = Field(
        "funding_mode",
        "资助方式",
        widget=ChoiceWidget(FundingMode, default="", aliases=FUNDING_MODE_ALIASES),
    )
    town = Field("town_id", "所属镇街", widget=NameLookupWidget(Town, "镇街"))

    class Meta:
        model = Project
        import_id_fields = ("number",)
        fields = (
            "number",
            "name",
            "category",
            "undertaker",
            "credit_code",
            "applied_on",
            "status",
            "approved_on",
            "funding",
            "funding_mode",
            "town",
        )
        export_order = fields

    def prepare(self) -> None:
        self.fields["category"].widget.reset()
        self.fields["town"].widget.reset()
        super().prepare()

    def clean_values(self, values, raw, errors) -> None:
        self.link_enterprise(values, errors)
        applied, approved = values.get("applied_on"), self.current(values, "approved_on")
        if approved and applied and approved < applied:
            errors.add("立项日期", f"立项日期 {approved} 早于申报日期 {applied}")
        status = values.get("status")
        if status in APPROVED_STATUSES and not approved:
            errors.add("立项日期", f"状态为「{ProjectStatus(status).label}」时必须填写立项日期")
        if status in (ProjectStatus.APPLIED, ProjectStatus.REJECTED) and approved:
            errors.add("立项日期", f"状态为「{ProjectStatus(status).label}」的项目不应有立项日期")
        if self.current(values, "funding") and not approved:
            errors.add("资助金额(万元)", "未立项的项目不能有资助金额")


class TechContractResource(LayoutResource):
    layout = "tech_contracts"
    title = "技术合同"
    column_aliases = {
        "合同登记号": ("登记号", "合同编号", "登记编号", "认定登记号"),
        "合同名称": ("项目名称", "名称"),
        "合同类型": ("类型", "合同类别"),
        "卖方": ("卖方名称", "转让方", "受托方", "卖方(受托方)"),
        "买方": ("买方名称", "受让方", "委托方", "买方(委托方)"),
        "成交金额(万元)": (
            "合同金额(万元)",
            "成交额(万元)",
            "合同成交额(万元)",
            "合同交易额(万元)",
        ),
        "技术交易额(万元)": ("技术交易金额(万元)", "技术性收入(万元)"),
        "登记日期": ("登记时间", "认定登记日期", "认定日期"),
    }
    required_columns = (
        "合同登记号",
        "合同名称",
        "合同类型",
        "卖方",
        "买方",
        "成交金额(万元)",
        "登记日期",
    )

    registration_no = Field("registration_no", "合同登记号", widget=CodeTextWidget())
    name = Field("name", "合同名称", widget=TextWidget())
    kind = Field(
        "kind", "合同类型", widget=ChoiceWidget(ContractType, aliases=CONTRACT_TYPE_ALIASES)
    )
    seller = Field("seller", "卖方", widget=TextWidget())
    buyer = Field("buyer", "买方", widget=TextWidget())
    amount = Field("amount", "成交金额(万元)", widget=DecimalWidget())
    tech_amount = Field("tech_amount", "技术交易额(万元)", widget=DecimalWidget())
    registered_on = Field("registered_on", "登记日期", widget=DateWidget())

    class Meta:
        model = TechContract
        import_id_fields = ("registration_no",)
        fields = (
            "registration_no",
            "name",
            "kind",
            "seller",
            "buyer",
            "amount",
            "tech_amount",
            "registered_on",
        )
        export_order = fields

    def clean_values(self, values, raw, errors) -> None:
        amount, tech = values.get("amount"), self.current(values, "tech_amount")
        if tech is not None and amount is not None and tech > amount:
            errors.add("技术交易额(万元)", f"技术交易额 {tech} 万元超过成交金额 {amount} 万元")


class AuctionDealResource(EnterpriseLinkResource):
    layout = "auction_deals"
    title = "成果竞价"
    required_columns = ("成果名称", "竞得企业", "成交金额(万元)", "成交日期")
    column_aliases = {
        "成果名称": ("名称", "项目名称", "成果"),
        "竞得企业": ("竞得单位", "受让企业", "买方"),
        "统一社会信用代码": ("社会信用代码", "信用代码"),
        "成交金额(万元)": ("成交价(万元)", "成交价格(万元)"),
        "成交日期": ("成交时间", "竞价日期"),
        "活动名称": ("竞价活动", "活动"),
    }

    achievement = Field("achievement", "成果名称", widget=TextWidget())
    winner = Field("winner", "竞得企业", widget=TextWidget())
    credit_code = Field("enterprise_credit_code", "统一社会信用代码", widget=CreditCodeWidget())
    amount = Field("amount", "成交金额(万元)", widget=DecimalWidget())
    dealt_on = Field("dealt_on", "成交日期", widget=DateWidget())
    event = Field("event", "活动名称", widget=TextWidget())

    class Meta:
        model = AuctionDeal
        import_id_fields = ("achievement",)
        fields = ("achievement", "winner", "credit_code", "amount", "dealt_on", "event")
        export_order = fields

    def clean_values(self, values, raw, errors) -> None:
        self.link_enterprise(values, errors)
