"""Spreadsheet layouts of the patents app: ``patents`` 专利 and ``patent_disputes`` 专利纠纷."""

import re

from import_export.fields import Field
from import_export.widgets import Widget

from kejiju.imports import LayoutResource
from kejiju.imports.table import compact
from kejiju.imports.widgets import (
    ChoiceWidget,
    CodeTextWidget,
    CreditCodeWidget,
    DateWidget,
    TextWidget,
)

from . import numbers
from .choices import (
    LEGAL_STATUS_ALIASES,
    PATENT_TYPE_ALIASES,
    DisputeOutcome,
    LegalStatus,
    PatentType,
)
from .models import DisputeCase, Patent

APPLICANT_SEPARATORS = re.compile(r"[；;、,，\n]")


class ApplicationNumberWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        return numbers.normalize(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


def split_applicants(applicants: str) -> list[str]:
    return [name.strip() for name in APPLICANT_SEPARATORS.split(applicants or "") if name.strip()]


class EnterpriseMatcher:
    """Links an applicant to an Enterprise: by credit code, else by name, else none. Names are
    compared after NFKC without spaces, so （） and () or a stray space do not matter."""

    def __init__(self):
        from enterprises.models import Enterprise

        self.by_code: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        for pk, code, name in Enterprise.objects.values_list("pk", "credit_code", "name"):
            self.by_code[code] = pk
            by_name.setdefault(compact(name), []).append(pk)
        # A name two enterprises share cannot decide the link.
        self.by_name = {name: pks[0] for name, pks in by_name.items() if len(pks) == 1}
        self.by_applicants: dict[str, int | None] = {}

    def match(self, credit_code: str, applicants: str) -> int | None:
        if credit_code and credit_code in self.by_code:
            return self.by_code[credit_code]
        if applicants not in self.by_applicants:  # a list repeats its applicants row after row
            self.by_applicants[applicants] = next(
                (
                    self.by_name[key]
                    for key in map(compact, split_applicants(applicants))
                    if key in self.by_name
                ),
                None,
            )
        return self.by_applicants[applicants]


class PatentResource(LayoutResource):
    layout = "patents"
    title = "专利"
    streams = True  # applicants are matched from the registry loaded by ``prepare``
    required_columns = ("申请号", "专利名称", "申请人", "申请日")
    column_aliases = {
        "申请号": ("申请号/专利号", "专利号", "申请(专利)号", "专利申请号"),
        "专利名称": ("名称", "发明名称", "发明创造名称", "标题"),
        "专利类型": ("类型", "专利种类", "申请类型"),
        "申请人": (
            "申请(专利权)人",
            "专利权人",
            "申请人/专利权人",
            "当前申请(专利权)人",
            "原始申请(专利权)人",
        ),
        "申请人统一社会信用代码": ("统一社会信用代码", "社会信用代码", "信用代码"),
        "申请日": ("申请日期", "申请时间"),
        "授权公告日": ("授权日", "授权日期", "授权公告日期", "授权时间"),
        "法律状态": ("法律状态/事件", "当前法律状态", "专利状态", "案件状态", "有效性"),
    }

    application_number = Field("application_number", "申请号", widget=ApplicationNumberWidget())
    title_ = Field("title", "专利名称", widget=TextWidget())
    kind = Field("kind", "专利类型", widget=ChoiceWidget(PatentType, aliases=PATENT_TYPE_ALIASES))
    applicants = Field("applicants", "申请人", widget=TextWidget())
    applicant_credit_code = Field(
        "applicant_credit_code", "申请人统一社会信用代码", widget=CreditCodeWidget()
    )
    filed_on = Field("filed_on", "申请日", widget=DateWidget())
    granted_on = Field("granted_on", "授权公告日", widget=DateWidget())
    legal_status = Field(
        "legal_status", "法律状态", widget=ChoiceWidget(LegalStatus, aliases=LEGAL_STATUS_ALIASES)
    )

    class Meta:
        model = Patent
        import_id_fields = ("application_number",)
        fields = (
            "application_number",
            "title_",
            "kind",
            "applicants",
            "applicant_credit_code",
            "filed_on",
            "granted_on",
            "legal_status",
        )
        export_order = fields

    def prepare(self) -> None:
        self.matcher = EnterpriseMatcher()

    def clean_values(self, values, raw, errors) -> None:
        number = numbers.from_normalized(values["application_number"])
        stated = values.get("kind")
        if stated and stated != number.kind:
            errors.add(
                "专利类型",
                f"申请号 {number.value} 的类型位 {number.type_digit} 表示"
                f"「{number.kind.label}」，与填写的「{PatentType(stated).label}」不符",
            )
        values["kind"] = number.kind.value
        filed, granted = values.get("filed_on"), self.current(values, "granted_on")
        if granted and filed and granted < filed:
            errors.add("授权公告日", f"授权公告日 {granted} 早于申请日 {filed}")
        if "legal_status" not in values:
            # No status in the row: a new patent's follows its grant date; a stored one keeps
            # its status unless the row brings the grant of a pending application.
            if self.stored is None:
                values["legal_status"] = LegalStatus.GRANTED if granted else LegalStatus.PENDING
            elif values.get("granted_on") and self.stored.legal_status == LegalStatus.PENDING:
                values["legal_status"] = LegalStatus.GRANTED
        enterprise_id = self.matcher.match(
            values.get("applicant_credit_code", ""), values["applicants"]
        )
        if enterprise_id is not None:
            # A link made by hand in the unlinked-applicants view survives a re-import
            # that cannot decide it.
            values["enterprise_id"] = enterprise_id


class PatentDisputeResource(LayoutResource):
    layout = "patent_disputes"
    title = "专利纠纷"
    required_columns = ("案件编号", "受理日期")
    column_aliases = {
        "案件编号": ("案号", "编号", "立案编号"),
        "受理日期": ("受理时间", "立案日期", "立案时间"),
        "结案日期": ("结案时间", "办结日期"),
        "处理结果": ("结果", "办理结果", "处理情况"),
    }

    case_number = Field("case_number", "案件编号", widget=CodeTextWidget())
    cause = Field("cause", "案由", widget=TextWidget())
    parties = Field("parties", "当事人", widget=TextWidget())
    accepted_on = Field("accepted_on", "受理日期", widget=DateWidget())
    closed_on = Field("closed_on", "结案日期", widget=DateWidget())
    outcome = Field(
        "outcome", "处理结果", widget=ChoiceWidget(DisputeOutcome, default=DisputeOutcome.PENDING)
    )

    class Meta:
        model = DisputeCase
        import_id_fields = ("case_number",)
        fields = ("case_number", "cause", "parties", "accepted_on", "closed_on", "outcome")
        export_order = fields

    def clean_values(self, values, raw, errors) -> None:
        accepted, closed = values.get("accepted_on"), self.current(values, "closed_on")
        if closed and accepted and closed < accepted:
            errors.add("结案日期", f"结案日期 {closed} 早于受理日期 {accepted}")
