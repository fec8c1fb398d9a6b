"""Forms of the 任务书, the 考核指标 at acceptance and the on-site inspection."""

from decimal import Decimal

from django import forms

from experts.models import Expert
from kejiju import uploads
from kejiju.models import User
from kejiju.permissions import BUREAU
from kejiju.uploads import AttachmentField

from .forms import DATE, StyledForm, money
from .task_book_models import (
    BudgetSubject,
    IndicatorKind,
    InspectionConclusion,
    InspectionOccasion,
)
from .task_books import BudgetLine, Contents, Indicator, Milestone


class TaskBookForm(StyledForm):
    objectives = forms.CharField(
        label="项目目标与主要内容", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    starts_on = forms.DateField(label="实施开始日期", widget=DATE)
    ends_on = forms.DateField(label="实施结束日期", widget=DATE)


class MilestoneForm(StyledForm):
    due_on = forms.DateField(label="完成时间", widget=DATE, required=False)
    content = forms.CharField(label="进度安排与节点目标", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("content", "").strip() and not data.get("due_on"):
            self.add_error("due_on", "请填写该节点的完成时间。")
        if data.get("due_on") and not data.get("content", "").strip():
            self.add_error("content", "请填写该节点的目标。")
        return data

    def filled(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return bool(d.get("due_on") or d.get("content", "").strip())


class IndicatorForm(StyledForm):
    kind = forms.ChoiceField(
        label="指标类型", choices=[("", "—")] + list(IndicatorKind.choices), required=False
    )
    name = forms.CharField(label="指标名称", max_length=100, required=False)
    unit = forms.CharField(label="单位", max_length=20, required=False)
    target = forms.DecimalField(
        label="目标值",
        required=False,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": "目标值请输入数字。"},
    )

    def clean(self):
        data = super().clean()
        if not self.filled():
            return data
        kind = data.get("kind")
        if not kind:
            self.add_error("kind", "请选择指标类型。")
        elif kind == IndicatorKind.OTHER and not data.get("name", "").strip():
            self.add_error("name", "自定指标请填写指标名称。")
        if not data.get("unit", "").strip():
            self.add_error("unit", "请填写单位（如 件、万元）。")
        target = data.get("target")
        if target is None and "target" not in self.errors:
            self.add_error("target", "请填写目标值。")
        elif target is not None and target <= 0:
            self.add_error("target", "目标值应大于 0。")
        return data

    def filled(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return bool(d.get("kind") or d.get("name", "").strip() or d.get("unit", "").strip()) or (
            d.get("target") is not None or "target" in self.errors
        )


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2)
IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=2)


class BudgetForm(StyledForm):
    """One row per budget subject: 财政资助 and 自筹 (万元) and the basis of the estimate."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for subject in BudgetSubject:
            self.fields[f"grant_{subject.value}"] = money(subject.label, required=False)
            self.fields[f"self_{subject.value}"] = money(subject.label, required=False)
            self.fields[f"note_{subject.value}"] = forms.CharField(
                label="测算依据", max_length=300, required=False
            )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"

    def rows(self):
        return [
            (
                subject,
                self[f"grant_{subject.value}"],
                self[f"self_{subject.value}"],
                self[f"note_{subject.value}"],
            )
            for subject in BudgetSubject
        ]

    def lines(self) -> list[BudgetLine]:
        d = self.cleaned_data
        return [
            BudgetLine(
                subject=s.value,
                grant=d.get(f"grant_{s.value}") or Decimal("0"),
                self_raised=d.get(f"self_{s.value}") or Decimal("0"),
                note=d.get(f"note_{s.value}") or "",
            )
            for s in BudgetSubject
        ]


def initial_for(book):
    """The initial data of the four parts from a stored version."""
    main = {"objectives": book.objectives, "starts_on": book.starts_on, "ends_on": book.ends_on}
    milestones = [{"due_on": m.due_on, "content": m.content} for m in book.milestones.all()]
    indicators = [
        {"kind": i.kind, "name": i.name, "unit": i.unit, "target": i.target}
        for i in book.indicators.all()
    ]
    budget = {}
    for line in book.budget_lines.all():
        budget[f"grant_{line.subject}"] = line.grant
        budget[f"self_{line.subject}"] = line.self_raised
        budget[f"note_{line.subject}"] = line.note
    return main, milestones, indicators, budget


def contents_of(main, milestone_set, indicator_set, budget) -> Contents:
    return Contents(
        objectives=main.cleaned_data.get("objectives", ""),
        starts_on=main.cleaned_data.get("starts_on"),
        ends_on=main.cleaned_data.get("ends_on"),
        milestones=[
            Milestone(f.cleaned_data.get("due_on"), f.cleaned_data.get("content", ""))
            for f in milestone_set
            if f.filled()
        ],
        indicators=[
            Indicator(
                kind=f.cleaned_data.get("kind", ""),
                name=f.cleaned_data.get("name", ""),
                unit=f.cleaned_data.get("unit", ""),
                target=f.cleaned_data.get("target"),
            )
            for f in indicator_set
            if f.filled()
        ],
        lines=budget.lines(),
    )


class ReviewForm(StyledForm):
    comment = forms.CharField(
        label="审核意见", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ActualForm(StyledForm):
    actual = forms.DecimalField(
        label="实际完成值",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={
            "required": "请填写实际完成值。",
            "invalid": "请输入数字。",
            "min_value": "实际完成值不能为负数。",
        },
    )
    note = forms.CharField(
        label="完成情况说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = AttachmentField(label="佐证材料", required=False)


class UntickForm(StyledForm):
    reason = forms.CharField(label="取消计入理由", max_length=200, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once, each checked by content (JPEG or PNG) in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png"}))
        kwargs.setdefault("help_text", "只接受 JPEG、PNG 图片，每张不超过 20 MB，可多选。")
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        for file in files:
            try:
                file.inspected = uploads.inspect(file, kinds=(uploads.JPEG, uploads.PNG))
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    f"照片「{file.name}」：" + "".join(exc.messages), code=exc.code
                ) from None
        return files


class InspectionForm(StyledForm):
    occasion = forms.ChoiceField(label="考察阶段", choices=InspectionOccasion.choices)
    inspected_on = forms.DateField(label="考察日期", widget=DATE)
    staff = forms.ModelMultipleChoiceField(
        label="考察人员（科技局）",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一名科技局考察人员。"},
    )
    experts = forms.ModelMultipleChoiceField(
        label="考察专家（本项目抽取的专家）",
        queryset=Expert.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    checked = forms.CharField(
        label="核查内容（对照申报材料）", widget=forms.Textarea(attrs={"rows": 3})
    )
    findings = forms.CharField(label="考察发现", widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.ChoiceField(
        label="考察结论", choices=InspectionConclusion.choices, widget=forms.RadioSelect
    )
    photos = PhotosField(label="现场照片", required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(
            role__in=BUREAU, is_active=True
        ).order_by("username")
        expert_ids = (
            project.draw.members.values_list("expert_id", flat=True) if project.draw_id else []
        )
        self.fields["experts"].queryset = Expert.objects.filter(pk__in=list(expert_ids))
        for name in ("checked", "findings"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}。"
        self.fields["conclusion"].error_messages["required"] = "请选择考察结论。"
        self.fields["inspected_on"].error_messages["required"] = "请填写考察日期。"
