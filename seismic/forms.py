import uuid

from django import forms
from django.utils import timezone

from kejiju import uploads
from kejiju.forms import BootstrapMixin
from kejiju.models import Town
from kejiju.uploads import AttachmentField

from .choices import SITE_STATUS_ORDER, SiteStatus
from .models import (
    DemoSite,
    EmergencyPlan,
    ObservationPoint,
    PlanVersion,
    SeismicActivity,
    Station,
    StationMilestone,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

CHECKLIST_ITEMS = [
    "组织机构健全，职责明确",
    "有防震减灾工作制度和应急预案",
    "定期开展应急演练",
    "有防震减灾科普宣传阵地",
    "应急避难场所标识清晰",
    "建筑抗震设防符合要求",
]


class ActivityForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SeismicActivity
        fields = [
            "name",
            "kind",
            "held_on",
            "theme_day",
            "place",
            "town",
            "participants",
            "materials",
        ]
        widgets = {"held_on": DATE}
        error_messages = {
            "participants": {"invalid": "参与人次须为不小于 0 的整数。"},
            "materials": {"invalid": "发放资料份数须为不小于 0 的整数。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Town.objects.filter(active=True)
        for name in ("participants", "materials"):
            self.fields[name].min_value = 0
            self.fields[name].widget.attrs["min"] = 0
            self.fields[name].error_messages["min_value"] = "不能为负数。"


class PhotoForm(BootstrapMixin, forms.Form):
    image = forms.FileField(label="照片")
    caption = forms.CharField(label="说明", max_length=200, required=False)


class PlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = EmergencyPlan
        fields = ["name", "scope"]


class PlanVersionForm(BootstrapMixin, forms.ModelForm):
    document = AttachmentField(label="预案文本", kinds=(uploads.PDF, uploads.DOCX), required=False)

    class Meta:
        model = PlanVersion
        fields = ["version", "approved_on", "issuing_office", "document_no", "document"]
        widgets = {"approved_on": DATE}

    def clean_document(self):
        # Checked by content like every attachment, and stored under a name the server chooses.
        document = self.cleaned_data.get("document")
        if document and getattr(document, "inspected", None):
            document.name = f"{uuid.uuid4().hex}{document.inspected.extension}"
        return document


class DrillForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="演练名称", max_length=200, required=False)
    held_on = forms.DateField(label="演练日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=200, required=False)
    town = forms.ModelChoiceField(
        label="所属镇街", queryset=Town.objects.filter(active=True), required=False
    )
    participants = forms.IntegerField(
        label="参与人次",
        min_value=0,
        initial=0,
        error_messages={"min_value": "不能为负数。", "invalid": "请输入整数。"},
    )
    evaluation = forms.CharField(
        label="演练评估", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SiteForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = DemoSite
        fields = ["name", "kind", "town", "applied_on", "contact", "next_review_on"]
        widgets = {"applied_on": DATE, "next_review_on": DATE}


class InspectionForm(BootstrapMixin, forms.Form):
    inspected_on = forms.DateField(label="检查日期", widget=DATE)
    inspectors = forms.CharField(label="检查人员", max_length=200)
    checklist = forms.MultipleChoiceField(
        label="检查清单（勾选已达标的项目）",
        choices=[(item, item) for item in CHECKLIST_ITEMS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    score = forms.DecimalField(
        label="得分",
        min_value=0,
        max_value=100,
        decimal_places=1,
        error_messages={"min_value": "得分应在 0–100 之间。", "max_value": "得分应在 0–100 之间。"},
    )
    conclusion = forms.CharField(
        label="检查结论", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    promote_to = forms.ChoiceField(label="认定为", required=False)
    next_review_on = forms.DateField(label="下次复核日期", widget=DATE, required=False)

    def __init__(self, *args, site: DemoSite, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "不变更等级")]
        index = SITE_STATUS_ORDER.index(site.status)
        if index + 1 < len(SITE_STATUS_ORDER):
            upper = SITE_STATUS_ORDER[index + 1]
            choices.append((upper, SiteStatus(upper).label))
        self.fields["promote_to"].choices = choices

    def checklist_result(self) -> dict[str, bool]:
        ticked = set(self.cleaned_data.get("checklist") or [])
        return {item: item in ticked for item in CHECKLIST_ITEMS}


class PointForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ObservationPoint
        fields = [
            "code",
            "name",
            "kind",
            "location",
            "town",
            "observer",
            "observer_phone",
            "established_on",
            "active",
        ]
        widgets = {"established_on": DATE}


class MonthlyReportForm(BootstrapMixin, forms.Form):
    point = forms.ModelChoiceField(label="观测点", queryset=ObservationPoint.objects.active())
    month = forms.DateField(label="所报月份", widget=MONTH, input_formats=["%Y-%m", "%Y-%m-%d"])
    reported_on = forms.DateField(label="报送日期", widget=DATE)
    anomaly = forms.BooleanField(label="发现异常（不勾选即为零报告）", required=False)
    description = forms.CharField(
        label="观测情况", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AnomalyCheckForm(BootstrapMixin, forms.Form):
    checked_on = forms.DateField(label="核实日期", widget=DATE)
    follow_up = forms.CharField(label="核实与处置情况", widget=forms.Textarea(attrs={"rows": 3}))


class StationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Station
        fields = ["code", "name", "kind", "site", "status"]


class MilestoneForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = StationMilestone
        fields = ["stage", "planned_on", "done_on", "note"]
        widgets = {"planned_on": DATE, "done_on": DATE}

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station

    def clean(self):
        data = super().clean()
        if data.get("done_on") and data["done_on"] > timezone.localdate():
            self.add_error("done_on", "完成日期不能晚于今天。")
        taken = self.station.milestones.filter(stage=data.get("stage")).exclude(pk=self.instance.pk)
        if data.get("stage") and taken.exists():
            self.add_error("stage", "该台站已有此节点，请修改原有节点。")
        return data
