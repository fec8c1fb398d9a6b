from datetime import date
from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone

from kejiju.codes import credit_code_error, normalize_credit_code
from kejiju.forms import BootstrapMixin
from kejiju.models import TechField, Town, User
from kejiju.uploads import JPEG, PDF, PNG, AttachmentField

from .choices import RecognitionKind, Verdict
from .models import AccountRequest, Enterprise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money(label: str, required: bool = True, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{label}（万元）",
        required=required,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        **kwargs,
    )


def count(label: str, required: bool = True, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=0, **kwargs)


def percent(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{label}（%）",
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "min_value": "比例应在 0–100%% 之间。",
            "max_value": "比例应在 0–100%% 之间。",
        },
        **kwargs,
    )


def declaration(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


class FiguresForm(BootstrapMixin, forms.Form):
    """The figures of one kind of application; ``figures()`` is what the pre-check reads."""

    year = forms.IntegerField(label="申报年度", min_value=2016, max_value=2100)
    groups: list[tuple[str, list[str]]] = []

    def __init__(self, *args, application=None, enterprise=None, **kwargs):
        if application is not None and "initial" not in kwargs:
            kwargs["initial"] = {**application.figures, "year": application.year}
            if application.recognition:
                kwargs["initial"]["recognition"] = application.recognition
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = self.fields["year"].initial or timezone.localdate().year

    def figures(self) -> dict:
        data = {}
        for name, value in self.cleaned_data.items():
            if name in ("year", "recognition"):
                continue
            if isinstance(value, Decimal):
                value = str(value.quantize(Decimal("0.01")))
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, TechField):
                value = value.name
            data[name] = value
        return data

    def grouped(self):
        return [(title, [self[name] for name in names]) for title, names in self.groups]


class HNTEForm(FiguresForm):
    recognition = forms.ChoiceField(
        label="认定类型", choices=RecognitionKind.choices, initial=RecognitionKind.FIRST
    )
    registered_on = forms.DateField(label="注册成立日期", widget=DATE)
    tech_field = forms.ModelChoiceField(
        label="主要产品（服务）技术领域",
        queryset=TechField.objects.all(),
        to_field_name="name",
        required=False,
        empty_label="请选择",
    )
    owns_ip = declaration("拥有主要产品（服务）核心技术的知识产权所有权")
    ip_class1 = count("Ⅰ类知识产权（发明专利等）件数")
    ip_class2 = count("Ⅱ类知识产权（实用新型、外观设计、软件著作权等）件数")
    staff_total = count("职工总数（年平均，人）")
    st_staff = count("科技人员数（年平均，人）")
    sales_1 = money("销售收入 第一年", required=False)
    sales_2 = money("销售收入 第二年", required=False)
    sales_3 = money("销售收入 最近一年")
    rd_1 = money("研发费用 第一年", required=False)
    rd_2 = money("研发费用 第二年", required=False)
    rd_3 = money("研发费用 最近一年")
    rd_domestic = money("近三年在中国境内发生的研发费用合计")
    total_revenue = money("最近一年总收入")
    hitech_revenue = money("最近一年高新技术产品（服务）收入")
    net_assets_1 = money("净资产 第一年", required=False)
    net_assets_2 = money("净资产 第二年", required=False)
    net_assets_3 = money("净资产 最近一年")
    conversions = count("近三年科技成果转化项数")
    ip_score = forms.IntegerField(
        label="知识产权自评分（0–30，可不填）", min_value=0, max_value=30, required=False
    )
    org_score = forms.IntegerField(
        label="研发组织管理水平自评分（0–20，可不填）", min_value=0, max_value=20, required=False
    )
    no_incident = declaration("申请前一年内未发生重大安全、重大质量事故或严重环境违法行为")

    groups = [
        ("基本情况", ["year", "recognition", "registered_on", "tech_field", "no_incident"]),
        ("知识产权", ["owns_ip", "ip_class1", "ip_class2", "ip_score"]),
        ("人员", ["staff_total", "st_staff"]),
        (
            "近三个会计年度财务数据（成立不足三年的按实际年度填写）",
            [
                "sales_1",
                "sales_2",
                "sales_3",
                "rd_1",
                "rd_2",
                "rd_3",
                "rd_domestic",
                "net_assets_1",
                "net_assets_2",
                "net_assets_3",
            ],
        ),
        ("收入与成果转化", ["total_revenue", "hitech_revenue", "conversions", "org_score"]),
    ]

    # the three accounting years before the year applied for, oldest first (financial_year_labels)
    YEARLY = (("sales", "销售收入"), ("rd", "研发费用"), ("net_assets", "净资产"))

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, enterprise=enterprise, **kwargs)
        self.financial_year_labels()
        if enterprise is not None and enterprise.founded_on:
            self.fields["registered_on"].initial = enterprise.founded_on
        if enterprise is not None and enterprise.tech_field_id:
            self.fields["tech_field"].initial = enterprise.tech_field.name

    def financial_year_labels(self) -> None:
        """Name the accounting years by their numbers (销售收入 2023年 …) rather than 第一年,
        第二年, 最近一年: the three years before the year applied for."""
        value = self.data.get(self.add_prefix("year")) if self.is_bound else None
        if value in (None, ""):
            value = self.initial.get("year") or self.fields["year"].initial
        try:
            year = int(value)
        except (TypeError, ValueError):
            return
        if not 1980 <= year <= 2100:
            return
        for n in (1, 2, 3):
            for name, title in self.YEARLY:
                self.fields[f"{name}_{n}"].label = f"{title} {year - 4 + n}年"
        self.fields["total_revenue"].label = f"{year - 1}年总收入"
        self.fields["hitech_revenue"].label = f"{year - 1}年高新技术产品（服务）收入"

    def clean_registered_on(self):
        value = self.cleaned_data["registered_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("注册日期不能晚于今天。")
        return value

    def clean(self):
        data = super().clean()
        staff, st_staff = data.get("staff_total"), data.get("st_staff")
        if staff is not None and st_staff is not None and st_staff > staff:
            self.add_error("st_staff", "科技人员数不能多于职工总数。")
        rd = [data.get(f"rd_{n}") for n in (1, 2, 3)]
        domestic = data.get("rd_domestic")
        if domestic is not None and all(v is not None or n < 2 for n, v in enumerate(rd)):
            total = sum(v for v in rd if v is not None)
            if domestic > total:
                self.add_error(
                    "rd_domestic", f"境内研发费用（{domestic}）不能大于研发费用合计（{total}）。"
                )
        for n in (1, 2, 3):
            if data.get(f"rd_{n}") is not None and data.get(f"sales_{n}") is None:
                self.add_error(f"sales_{n}", "填写了该年度研发费用，请同时填写销售收入。")
        revenue, hitech = data.get("total_revenue"), data.get("hitech_revenue")
        if revenue is not None and hitech is not None and hitech > revenue:
            self.add_error("hitech_revenue", "高新技术产品（服务）收入不能大于总收入。")
        return data


class TechSMEForm(FiguresForm):
    staff_total = count("职工总数（人）")
    st_staff = count("科技人员数（人）")
    sales = money("销售收入")
    assets = money("资产总额")
    rd = money("研发费用")
    cost_total = money("成本费用总额")
    ip_class1 = count("Ⅰ类知识产权件数")
    ip_class2 = count("Ⅱ类知识产权件数")
    resident_taxed = declaration("在中国境内注册的居民企业，企业所得税实行查账征收")
    not_restricted = declaration("不属于国家限制类、淘汰类产业")
    no_violation = declaration("上一年度及当年未发生重大安全、质量事故和严重环境违法、失信行为")
    registration_number = forms.CharField(
        label="上一年度科技型中小企业入库登记编号（如有）",
        max_length=40,
        required=False,
        help_text="编号格式未经核实，按证书原样填写。",
    )
    has_hnte = declaration("有效期内的高新技术企业")
    national_award = declaration("近五年内获得过国家级科技奖励（排名前三的完成单位）")
    provincial_rd = declaration("拥有经认定的省部级以上研发机构")
    led_standard = declaration("近五年内主导制定过国际标准、国家标准或行业标准")

    groups = [
        (
            "基本情况",
            ["year", "registration_number", "resident_taxed", "not_restricted", "no_violation"],
        ),
        ("上一年度数据", ["staff_total", "st_staff", "sales", "assets", "rd", "cost_total"]),
        ("知识产权", ["ip_class1", "ip_class2"]),
        (
            "直接确认条件（符合其一即可）",
            ["has_hnte", "national_award", "provincial_rd", "led_standard"],
        ),
    ]

    def figures(self) -> dict:
        data = super().figures()
        data["evaluation_year"] = self.cleaned_data["year"]
        data["data_year"] = self.cleaned_data["year"] - 1
        return data

    def clean(self):
        data = super().clean()
        staff, st_staff = data.get("staff_total"), data.get("st_staff")
        if staff is not None and st_staff is not None and st_staff > staff:
            self.add_error("st_staff", "科技人员数不能多于职工总数。")
        return data


class RDInstitutionForm(FiguresForm):
    institution_name = forms.CharField(label="研发机构名称", max_length=200)
    institution_kind = forms.ChoiceField(
        label="申请认定类型",
        choices=[
            ("tech_center", "企业技术研发中心"),
            ("hnte_center", "高新技术企业研究开发中心"),
            ("institute", "企业研究院"),
            ("key_institute", "重点企业研究院"),
        ],
    )
    rd_staff = count("专职研发人员（人）")
    rd_ratio = percent("上一年度研发投入占销售收入比例")
    equipment_value = money("研发仪器设备原值")
    floor_area = forms.DecimalField(
        label="研发场所面积（平方米）", min_value=0, max_digits=10, decimal_places=2
    )
    leader = forms.CharField(label="机构负责人", max_length=50)

    groups = [
        ("研发机构", ["year", "institution_name", "institution_kind", "leader"]),
        ("条件", ["rd_staff", "rd_ratio", "equipment_value", "floor_area"]),
    ]


FORMS = {"hnte": HNTEForm, "tech_sme": TechSMEForm, "rd_institution": RDInstitutionForm}


class AttachmentForm(BootstrapMixin, forms.Form):
    description = forms.CharField(label="材料名称", max_length=100, initial="")
    file = AttachmentField(label="文件")


class ReviewForm(BootstrapMixin, forms.Form):
    ACTIONS = [("return", "退回修改"), ("approve", "审核通过（推荐上报）"), ("reject", "不予推荐")]
    action = forms.ChoiceField(label="审核结果", choices=ACTIONS)
    comment = forms.CharField(
        label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("action") in ("return", "reject") and not (data.get("comment") or "").strip():
            self.add_error("comment", "退回或不予推荐时必须填写意见，企业将看到这段说明。")
        return data


class ScoresForm(BootstrapMixin, forms.Form):
    """The reviewer's score of each item whose band is a range."""

    def __init__(self, *args, bands: dict, labels: dict, initial_scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (low, high) in bands.items():
            if low == high:
                continue
            self.fields[key] = forms.IntegerField(
                label=f"{labels[key]}（{low}–{high}）",
                min_value=low,
                max_value=high,
                required=False,
                initial=initial_scores.get(key),
            )


class OverrideForm(BootstrapMixin, forms.Form):
    verdict = forms.ChoiceField(
        label="人工认定结论",
        choices=[("", "不作人工认定（以预审结论为准）")] + Verdict.choices,
        required=False,
    )
    reason = forms.CharField(label="理由", required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("verdict") and not (data.get("reason") or "").strip():
            self.add_error("reason", "人工认定结论必须填写理由。")
        return data


DOCUMENT_KINDS = (PDF, JPEG, PNG)


class RegistrationForm(BootstrapMixin, forms.ModelForm):
    password1 = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput, strip=False)
    licence = AttachmentField(
        label="营业执照",
        kinds=DOCUMENT_KINDS,
        help_text="营业执照扫描件或清晰照片，只接受 PDF、JPEG、PNG，不超过 20 MB。科技局据此核实企业。",
        error_messages={"required": "请上传企业营业执照（PDF 或图片）。"},
    )
    legal_representative = forms.BooleanField(
        label="申请人是企业法定代表人",
        required=False,
        help_text="不是法定代表人的，须上传授权委托书。",
    )
    authorization = AttachmentField(
        label="授权委托书",
        kinds=DOCUMENT_KINDS,
        required=False,
        help_text="法定代表人签字并加盖公章的授权委托书，PDF 或图片；申请人是法定代表人的不必上传。",
    )

    class Meta:
        model = AccountRequest
        fields = ["credit_code", "enterprise_name", "town", "contact", "phone", "email", "username"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Town.objects.all()
        self.fields["town"].empty_label = "请选择"
        self.fields["username"].help_text = "字母、数字或 @ . + - _，开通后用于登录。"

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        error = credit_code_error(code)
        if error:
            raise forms.ValidationError(error + "。")
        if AccountRequest.objects.filter(
            credit_code=code, status=AccountRequest.Status.PENDING
        ).exists():
            raise forms.ValidationError("该企业已有待审核的账号申请，请等待科技局审核。")
        return code

    def clean_username(self):
        # Whether the name is taken is not said here (it would tell anyone which accounts
        # exist): the view answers the same either way and tells the applicant by e-mail.
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        return username

    def clean(self):
        data = super().clean()
        if (
            not data.get("legal_representative")
            and not data.get("authorization")
            and "authorization" not in self.errors
        ):
            self.add_error(
                "authorization",
                "申请人不是法定代表人的，请上传法定代表人签字并加盖公章的授权委托书。",
            )
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致。")
        elif p1:
            try:
                password_validation.validate_password(p1, User(username=data.get("username")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class InviteForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label="登录用户名", max_length=150, validators=[User.username_validator]
    )
    name = forms.CharField(label="姓名", max_length=50)
    email = forms.EmailField(label="电子邮箱")
    reason = forms.CharField(
        label="理由（企业已有用户时必填）",
        max_length=200,
        required=False,
        help_text="企业已有用户的，加入应由企业管理员同意；科技局代为开通须写明理由，记入审计日志。",
    )


class DeclineForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="不予开通的原因", max_length=200)


PROFILE_FIELDS = [
    "industry",
    "tech_field",
    "founded_on",
    "registered_capital",
    "staff_count",
    "contact",
    "phone",
    "email",
    "address",
]


class ProfileForm(BootstrapMixin, forms.ModelForm):
    """The fields an enterprise keeps itself; name and code change only through staff."""

    class Meta:
        model = Enterprise
        fields = PROFILE_FIELDS
        widgets = {"founded_on": DATE}
        error_messages = {
            "contact": {"required": "请填写联系人：科技局通知和退回意见发给此人。"},
            "phone": {"required": "请填写联系电话。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Imported registry rows may lack them, but an enterprise keeping its own page must give
        # the bureau someone to reach.
        for name in ("contact", "phone"):
            self.fields[name].required = True


class StaffEnterpriseForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["credit_code", "credit_code_override", "name", "town", *PROFILE_FIELDS]
        widgets = {"founded_on": DATE}
