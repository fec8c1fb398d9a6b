from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from experts.models import Specialty
from experts.services import Criteria
from kejiju.forms import BootstrapMixin
from kejiju.uploads import AttachmentField

from . import services
from .choices import AcceptanceResult, ChangeKind, FundingMode
from .models import Call, Tranche
from .services import Budget

MONEY = {"max_digits": 14, "decimal_places": 2}


class StyledForm(BootstrapMixin, forms.Form):
    """A form with Bootstrap classes on every widget (kejiju.forms.BootstrapMixin)."""


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


class CallForm(BootstrapMixin, forms.ModelForm):
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
    """The application against a call. Validation says everything at once: the fields, the
    budget rules, the call's dates, caps and quota, and every missing attachment, each at its
    field (services.application_problems). ``kept`` holds the files a draft already keeps, by
    kind: a kind with a kept file needs no new upload, and a new file replaces it."""

    name = forms.CharField(label="项目名称", max_length=300)
    summary = forms.CharField(label="项目简介", widget=forms.Textarea(attrs={"rows": 5}))
    starts_on = forms.DateField(label="计划开始日期", widget=DATE)
    ends_on = forms.DateField(label="计划完成日期", widget=DATE)
    budget_total = money("总预算(万元)")
    self_raised = money("自筹资金(万元)")
    requested = money("申请资助(万元)")

    SERVICE_FIELDS = {"total": "budget_total"}

    def __init__(self, *args, call: Call, enterprise, kept: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.enterprise = enterprise
        self.kept = kept or {}
        self.attachment_names = {}
        for i, kind in enumerate(call.required_attachment_list()):
            name = f"attachment_{i}"
            self.fields[name] = AttachmentField(label=kind, required=False)
            self.fields[name].widget.attrs["class"] = "form-control"
            self.fields[f"remove_{i}"] = forms.BooleanField(
                label=f"删除已上传的「{kind}」", required=False
            )
            self.attachment_names[name] = kind
        if call.max_request:
            self.fields[
                "requested"
            ].help_text = f"本通知单个项目申请资助上限 {call.max_request} 万元"

    def _value(self, name):
        return self.cleaned_data.get(name) if name not in self.errors else None

    def removed(self) -> list[str]:
        return [
            kind
            for name, kind in self.attachment_names.items()
            if self.cleaned_data.get(name.replace("attachment_", "remove_"))
        ]

    def uploads(self) -> dict:
        """The new files that passed the content check, by kind."""
        return {
            kind: self.cleaned_data[name]
            for name, kind in self.attachment_names.items()
            if name not in self.errors and self.cleaned_data.get(name)
        }

    def document_kinds(self) -> set[str]:
        removed = set(self.removed())
        kept = {kind for kind in self.kept if kind not in removed}
        # A refused file already has its message: no second one saying it is missing.
        return kept | set(self.uploads()) | set(self.refused().values())

    def refused(self) -> dict[str, str]:
        """The attachment fields whose new file failed the content check: field name → kind."""
        return {
            name: kind
            for name, kind in self.attachment_names.items()
            if self.files.get(name) and name in self.errors
        }

    def clean(self):
        data = super().clean()
        problems = services.application_problems(
            call=self.call,
            enterprise=self.enterprise,
            name=self._value("name"),
            budget=self.budget(),
            starts_on=self._value("starts_on"),
            ends_on=self._value("ends_on"),
            document_kinds=self.document_kinds(),
        )
        self.add_problems(problems)
        return data

    def add_problems(self, problems: dict) -> None:
        """Puts the service's messages at their fields (a missing attachment at its file field,
        the budget total at 总预算, the call's dates and quota above the form)."""
        fields_of = {services.document_key(k): n for n, k in self.attachment_names.items()}
        for key, messages in problems.items():
            field = fields_of.get(key) or self.SERVICE_FIELDS.get(key, key)
            field = field if field in self.fields else None
            for message in messages:
                if message in self.errors.get(field or NON_FIELD_ERRORS, []):
                    continue
                self.add_error(field, message)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every message, in the order of the form."""
        rows = [("", "", m) for m in self.non_field_errors()]
        for field in self:
            rows += [(field.id_for_label, field.label, m) for m in field.errors]
        return rows

    def budget(self) -> Budget:
        return Budget(
            total=self._value("budget_total"),
            self_raised=self._value("self_raised"),
            requested=self._value("requested"),
        )

    def _marked(self, bound):
        """The bound field, its widget marked invalid (and pointing at its messages) if wrong."""
        if bound.errors:
            attrs = bound.field.widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{bound.id_for_label}-errors"
        return bound

    def attachment_rows(self):
        """(file field, kept document or None, remove field) for each required attachment."""
        return [
            (
                self._marked(self[name]),
                self.kept.get(kind),
                self[name.replace("attachment_", "remove_")],
            )
            for name, kind in self.attachment_names.items()
        ]

    def plain_fields(self):
        return [self._marked(f) for f in self if not f.name.startswith(("attachment_", "remove_"))]


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
