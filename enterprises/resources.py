"""Spreadsheet layouts of the enterprise registry (DESIGN.md §3): ``enterprises`` 企业名录,
``qualifications`` 企业资质 and ``rd_institutions`` 研发机构."""

from django.utils import timezone
from import_export.fields import Field
from import_export.widgets import Widget

from kejiju.choices import Level
from kejiju.codes import credit_code_error, normalize_credit_code
from kejiju.imports import LayoutResource
from kejiju.imports.lookups import NameLookupWidget
from kejiju.imports.table import compact
from kejiju.imports.widgets import (
    ChoiceWidget,
    CodeTextWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    PhoneWidget,
    TextWidget,
    code_text,
)
from kejiju.models import TechField, Town

from .choices import (
    LEVEL_ALIASES,
    QUALIFICATION_LEVELS,
    QUALIFICATION_TYPE_ALIASES,
    RECOGNITION_ALIASES,
    InstitutionType,
    QualificationType,
    RecognitionKind,
)
from .models import Enterprise, Qualification, RDInstitution


class CodeWidget(Widget):
    """A 统一社会信用代码 cell, normalised; its check digits are checked by the layout, which
    knows the legacy codes staff have accepted with a recorded reason."""

    def clean(self, value, row=None, **kwargs):
        return normalize_credit_code(code_text(value))

    def render(self, value, obj=None, **kwargs):
        return value or ""


class EnterpriseByCodeWidget(Widget):
    """A 统一社会信用代码 cell naming an enterprise of the registry; cleans to its primary key."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self._by_code: dict[str, int] | None = None
        self._by_pk: dict[int, str] = {}

    def _load(self) -> None:
        self._by_code = {}
        for pk, code in Enterprise.objects.values_list("pk", "credit_code"):
            self._by_code[code] = pk
            self._by_pk[pk] = code

    def clean(self, value, row=None, **kwargs):
        code = normalize_credit_code(code_text(value))
        if self._by_code is None:
            self._load()
        if code in self._by_code:
            return self._by_code[code]
        error = credit_code_error(code)
        if error:
            raise ValueError(error)
        raise ValueError(f"企业名录中没有统一社会信用代码为 {code} 的企业，请先导入企业名录")

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        if self._by_code is None:
            self._load()
        return self._by_pk.get(value, "")


def check_enterprise_name(values: dict, errors, column: str = "企业名称") -> None:
    """The optional 企业名称 column is a cross-check of the code, not data of the row."""
    stated = (values.pop("enterprise__name", "") or "").strip()
    if not stated or not values.get("enterprise_id"):
        return
    actual = Enterprise.objects.filter(pk=values["enterprise_id"]).values_list("name", flat=True)
    actual = actual.first()
    # Compared as NFKC without spaces: （） and (), full-width letters and stray spaces are the
    # same name.
    if actual and compact(stated) != compact(actual):
        errors.add(column, f"与企业名录中该代码的企业名称「{actual}」不一致")


class EnterpriseResource(LayoutResource):
    layout = "enterprises"
    title = "企业名录"
    required_columns = ("统一社会信用代码", "企业名称", "所属镇街")
    column_aliases = {
        "统一社会信用代码": ("社会信用代码", "信用代码", "统一代码", "纳税人识别号"),
        "企业名称": ("单位名称", "名称", "企业全称"),
        "所属镇街": ("镇街", "所属乡镇", "乡镇", "乡镇(街道)", "所在镇街", "镇(街道)", "所属街道"),
        "行业类别": ("所属行业", "行业", "国民经济行业"),
        "技术领域": ("所属技术领域", "高新技术领域", "所属高新技术领域"),
        "成立日期": ("成立时间", "注册日期", "注册时间", "成立年月"),
        "注册资本(万元)": ("注册资金", "注册资金(万元)"),
        "从业人数": ("从业人员", "从业人员数", "职工人数", "员工人数", "职工总数"),
        "联系人": ("企业联系人",),
        "联系电话": ("电话", "联系方式", "联系人电话", "手机"),
    }

    credit_code = Field("credit_code", "统一社会信用代码", widget=CodeWidget())
    name = Field("name", "企业名称", widget=TextWidget())
    town = Field("town_id", "所属镇街", widget=NameLookupWidget(Town, "镇街"))
    industry = Field("industry", "行业类别", widget=TextWidget())
    tech_field = Field("tech_field_id", "技术领域", widget=NameLookupWidget(TechField, "技术领域"))
    founded_on = Field("founded_on", "成立日期", widget=DateWidget())
    registered_capital = Field("registered_capital", "注册资本(万元)", widget=DecimalWidget())
    staff_count = Field("staff_count", "从业人数", widget=IntegerWidget(minimum=0))
    contact = Field("contact", "联系人", widget=TextWidget())
    phone = Field("phone", "联系电话", widget=PhoneWidget())

    class Meta:
        model = Enterprise
        import_id_fields = ("credit_code",)
        fields = (
            "credit_code",
            "name",
            "town",
            "industry",
            "tech_field",
            "founded_on",
            "registered_capital",
            "staff_count",
            "contact",
            "phone",
        )
        export_order = fields

    def prepare(self) -> None:
        self.fields["town"].widget.reset()
        self.fields["tech_field"].widget.reset()
        # Legacy codes that fail their check digits, accepted by staff with a recorded reason.
        self.accepted = set(
            Enterprise.objects.exclude(credit_code_override="").values_list(
                "credit_code", flat=True
            )
        )

    def clean_values(self, values, raw, errors) -> None:
        code = values["credit_code"]
        if code not in self.accepted:
            error = credit_code_error(code)
            if error:
                errors.add("统一社会信用代码", error)
        founded = values.get("founded_on")
        if founded and founded > timezone.localdate():
            errors.add("成立日期", "成立日期不能晚于今天")


class QualificationResource(LayoutResource):
    layout = "qualifications"
    title = "企业资质"
    required_columns = ("统一社会信用代码", "资质类型", "级别", "认定日期")
    derived_columns = ("级别",)  # 省科技型中小企业 says its level
    column_aliases = {
        "统一社会信用代码": ("社会信用代码", "信用代码", "统一代码"),
        "企业名称": ("单位名称", "名称"),
        "资质类型": ("资质", "资质名称", "类型", "企业类型"),
        "级别": ("认定级别", "等级", "层级"),
        "认定类型": ("认定方式", "首次/重新认定"),
        "证书编号": ("证书号", "证书号码"),
        "认定日期": ("认定时间", "发证日期", "发证时间", "批准日期"),
        "有效期至": ("有效期", "有效期截止", "有效期限", "到期日期", "有效截止日期"),
    }

    enterprise = Field("enterprise_id", "统一社会信用代码", widget=EnterpriseByCodeWidget())
    enterprise_name = Field("enterprise__name", "企业名称", widget=TextWidget(), readonly=False)
    kind = Field(
        "kind",
        "资质类型",
        widget=ChoiceWidget(QualificationType, aliases=QUALIFICATION_TYPE_ALIASES),
    )
    level = Field("level", "级别", widget=ChoiceWidget(Level, aliases=LEVEL_ALIASES))
    recognition = Field(
        "recognition",
        "认定类型",
        widget=ChoiceWidget(
            RecognitionKind, default=RecognitionKind.FIRST, aliases=RECOGNITION_ALIASES
        ),
    )
    certificate_no = Field("certificate_no", "证书编号", widget=CodeTextWidget())
    recognized_on = Field("recognized_on", "认定日期", widget=DateWidget())
    valid_until = Field("valid_until", "有效期至", widget=DateWidget())

    class Meta:
        model = Qualification
        import_id_fields = ("enterprise_id", "kind", "level", "recognized_on")
        fields = (
            "enterprise",
            "enterprise_name",
            "kind",
            "level",
            "recognition",
            "certificate_no",
            "recognized_on",
            "valid_until",
        )
        export_order = fields

    def prepare(self) -> None:
        self.fields["enterprise"].widget.reset()

    def derive(self, values, raw, errors) -> None:
        implied = QUALIFICATION_LEVELS.get(compact(raw.get("资质类型") or ""))
        stated = values.get("level")
        if implied and stated and stated != implied:
            errors.add(
                "级别",
                f"资质类型「{raw.get('资质类型')}」表示{Level(implied).label}，"
                f"与填写的「{Level(stated).label}」不符",
            )
        elif implied:
            values["level"] = implied
        elif not stated:
            errors.add("级别", "必填，不能为空")

    def clean_values(self, values, raw, errors) -> None:
        check_enterprise_name(values, errors)
        recognized, valid = values.get("recognized_on"), values.get("valid_until")
        if valid and recognized and valid < recognized:
            errors.add("有效期至", f"有效期至 {valid} 早于认定日期 {recognized}")
        if recognized and recognized > timezone.localdate():
            errors.add("认定日期", "认定日期不能晚于今天")


class RDInstitutionResource(LayoutResource):
    layout = "rd_institutions"
    title = "研发机构"
    required_columns = ("统一社会信用代码", "机构名称", "机构类型", "级别", "认定日期")
    column_aliases = {
        "统一社会信用代码": ("社会信用代码", "信用代码", "依托单位统一社会信用代码"),
        "机构名称": ("研发机构名称", "名称"),
        "机构类型": ("类型", "研发机构类型"),
        "级别": ("认定级别", "等级"),
        "认定日期": ("认定时间", "批准日期", "认定年份"),
    }

    enterprise = Field("enterprise_id", "统一社会信用代码", widget=EnterpriseByCodeWidget())
    name = Field("name", "机构名称", widget=TextWidget())
    kind = Field("kind", "机构类型", widget=ChoiceWidget(InstitutionType))
    level = Field("level", "级别", widget=ChoiceWidget(Level, aliases=LEVEL_ALIASES))
    recognized_on = Field("recognized_on", "认定日期", widget=DateWidget())

    class Meta:
        model = RDInstitution
        import_id_fields = ("name",)
        fields = ("enterprise", "name", "kind", "level", "recognized_on")
        export_order = fields

    def prepare(self) -> None:
        self.fields["enterprise"].widget.reset()

    def clean_values(self, values, raw, errors) -> None:
        recognized = values.get("recognized_on")
        if recognized and recognized > timezone.localdate():
            errors.add("认定日期", "认定日期不能晚于今天")
