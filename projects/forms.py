from decimal import Decimal

from django import forms

from experts.models import Specialty
from experts.services import Criteria
from kejiju.uploads import AttachmentField

from .choices import AcceptanceResult, ChangeKind, FundingMode
from .models import Call, Tranche
from .services import Budget

MONEY = {"max_digits": 14, "decimal_places": 2}


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


def money(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        error_messages={"min_value": "金额不能为负数。", "invalid": "请输入数字（万元）。"},
        **MONEY,
        **kwargs,
    )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CallForm(forms.ModelForm):
    template = AttachmentField(label="申报书模板", required=False)

    class Meta:
        model = Call
        fields = [
            "category",
            "year",
            "title",
            "text",
            "opens_at",
            "closes_at",
            "budget_cap",
            "max_request",
            "max_per_enterprise",
            "required_attachments",
            "requires_town_recommendation",
        ]
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "text": forms.Textarea(attrs={"rows": 8}),
            "required_attachments": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "截止时间应晚于开始时间。")
        for name in ("budget_cap", "max_request"):
            value = data.get(name)
            if value is not None and value <= 0:
                self.add_error(name, "金额应大于 0（万元）。")
        cap, limit = data.get("budget_cap"), data.get("max_request")
        if cap and limit and limit > cap:
            self.add_error("max_request", "单个项目上限不能超过资金总额。")
        return data


class ApplicationForm(StyledForm):
    name = forms.CharField(label="项目名称", max_length=300)
    summary = forms.CharField(label="项目简介", widget=forms.Textarea(attrs={"rows": 5}))
    starts_on = forms.DateField(label="计划开始日期", widget=DATE)
    ends_on = forms.DateField(label="计划完成日期", widget=DATE)
    budget_total = money("总预算(万元)")
    self_raised = money("自筹资金(万元)")
    requested = money("申请资助(万元)")

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.attachment_names = {}
        for i, kind in enumerate(call.required_attachment_list()):
            name = f"attachment_{i}"
            self.fields[name] = AttachmentField(label=kind)
            self.fields[name].widget.attrs["class"] = "form-control"
            self.attachment_names[name] = kind
        if call.max_request:
            self.fields[
                "requested"
            ].help_text = f"本通知单个项目申请资助上限 {call.max_request} 万元"

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "计划完成日期不能早于开始日期。")
        return data

    def budget(self) -> Budget:
        d = self.cleaned_data
        return Budget(
            total=d["budget_total"], self_raised=d["self_raised"], requested=d["requested"]
        )

    def documents(self) -> dict:
        return {kind: self.cleaned_data.get(name) for name, kind in self.attachment_names.items()}


class FormalReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label="审查结论", choices=[("pass", "通过"), ("return", "退回修改")]
    )
    comment = forms.CharField(
        label="审查意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewDrawForm(StyledForm):
    specialties = forms.ModelMultipleChoiceField(
        label="专业领域",
        queryset=Specialty.objects.select_related("parent").order_by(
            "parent__order", "order", "name"
        ),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    main = forms.IntegerField(label="正选人数", min_value=1, max_value=15, initial=3)
    backups = forms.IntegerField(label="备选人数", min_value=0, max_value=15, initial=2)
    supervisor = forms.CharField(label="监督人", max_length=100)

    def criteria(self) -> Criteria:
        d = self.cleaned_data
        return Criteria(
            specialties=[s.pk for s in d["specialties"]], main=d["main"], backups=d["backups"]
        )


class ObjectionForm(StyledForm):
    raised_by = forms.CharField(label="异议人", max_length=100, required=False)
    received_on = forms.DateField(label="收到日期", widget=DATE)
    text = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(StyledForm):
    answer = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(StyledForm):
    number = forms.CharField(label="项目编号", max_length=60)
    grant = money("资助金额(万元)")
    funding_mode = forms.ChoiceField(label="资助方式", choices=FundingMode.choices)
    first_tranche = money(
        "首期拨付(万元)",
        required=False,
        help_text="分期拨付时填写：立项后拨付首期，余额验收通过后拨付",
    )
    ends_on = forms.DateField(label="计划完成日期", widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("funding_mode") == FundingMode.TRANCHES:
            first, grant = data.get("first_tranche"), data.get("grant")
            if not first:
                self.add_error("first_tranche", "分期拨付须填写首期金额。")
            elif grant is not None and first >= grant:
                self.add_error("first_tranche", "首期金额应小于资助金额，余额在验收后拨付。")
        return data

    def tranches(self):
        from .services import PlannedTranche, default_tranches

        d = self.cleaned_data
        if d["funding_mode"] != FundingMode.TRANCHES:
            return default_tranches(d["funding_mode"], d["grant"])
        return [
            PlannedTranche(d["first_tranche"], "approval"),
            PlannedTranche(d["grant"] - d["first_tranche"], "acceptance"),
        ]


class DisburseForm(StyledForm):
    tranche = forms.ModelChoiceField(label="期次", queryset=Tranche.objects.none())
    amount = money("拨付金额(万元)")
    paid_on = forms.DateField(label="拨付日期", widget=DATE)
    voucher_no = forms.CharField(label="凭证号", max_length=60)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tranche"].queryset = project.tranches.all()


class MidtermForm(StyledForm):
    conclusion = forms.CharField(label="中期检查结论", widget=forms.Textarea(attrs={"rows": 2}))


class ChangeForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=ChangeKind.choices)
    new_end = forms.DateField(label="新的完成日期", widget=DATE)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class AcceptanceApplyForm(StyledForm):
    summary = forms.CharField(label="项目完成情况", widget=forms.Textarea(attrs={"rows": 4}))
    report = AttachmentField(label="验收报告", required=False)


class AuditForm(StyledForm):
    firm = forms.CharField(label="审计机构", max_length=200)
    audited_expenditure = money("审定支出(万元)")
    audited_on = forms.DateField(label="审计日期", widget=DATE)
    findings = forms.CharField(label="审计意见", widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(StyledForm):
    result = forms.ChoiceField(label="验收结论", choices=AcceptanceResult.choices)
    comment = forms.CharField(
        label="验收意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(StyledForm):
    kind = forms.ChoiceField(label="处理", choices=[("terminate", "终止"), ("revoke", "撤销")])
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class ProposeForm(StyledForm):
    projects = forms.ModelMultipleChoiceField(
        label="拟立项项目", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, call: Call, initial_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["projects"]
        field.queryset = call.projects.filter(stage="expert_review")
        field.initial = list(initial_ids)
        field.label_from_instance = lambda p: f"{p.name}（{p.undertaker}，申请 {p.requested} 万元）"
