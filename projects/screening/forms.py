from django import forms

from enterprises.models import Enterprise
from experts.models import Expert
from kejiju.forms import BootstrapMixin
from kejiju.models import User
from kejiju.uploads import JPEG, PDF, PNG, AttachmentField

from .choices import EndKind, PairDecision, RecommendationDecision
from .models import IntegrityRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IntegrityRecordForm(BootstrapMixin, forms.ModelForm):
    decision_upload = AttachmentField(
        label="处理决定书", kinds=(PDF, JPEG, PNG), help_text="只接受 PDF、JPEG 或 PNG。"
    )

    class Meta:
        model = IntegrityRecord
        fields = [
            "subject_kind",
            "enterprise",
            "person_name",
            "person_id_number",
            "user",
            "expert",
            "kind",
            "severity",
            "facts",
            "decision_no",
            "starts_on",
            "ends_on",
            "reason",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "facts": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.order_by("name")
        self.fields["expert"].queryset = Expert.objects.order_by("name")
        self.fields["user"].queryset = User.objects.filter(role="enterprise").order_by("username")
        self.fields["reason"].required = True
        for name, field in self.fields.items():
            if name != "decision_upload":
                css = field.widget.attrs.get("class", "")
                size = "form-select-sm" if "form-select" in css else "form-control-sm"
                field.widget.attrs["class"] = f"{css} {size}".strip()

    def record_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class EndRecordForm(forms.Form):
    end_kind = forms.ChoiceField(label="终止方式", choices=EndKind.choices)
    ended_on = forms.DateField(label="终止日期", widget=DATE)
    end_reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class PairDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="认定结论",
        choices=[(v, label) for v, label in PairDecision.choices if v != PairDecision.PENDING],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationForm(forms.Form):
    decision = forms.ChoiceField(
        label="推荐意见", choices=RecommendationDecision.choices, widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label="意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将写入推荐函，例如：该企业在本镇街依法经营，申报内容属实，同意推荐。",
    )
