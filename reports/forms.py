from django import forms

from kejiju.forms import BootstrapMixin

from .models import Honour, NarrativeParagraph, YearTarget
from .registry import all_indicators


def indicator_choices() -> list[tuple[str, str]]:
    return [("", "（不对应统计指标）")] + [
        (i.key, f"{i.label}（{i.unit}）") for i in all_indicators()
    ]


class YearTargetForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = YearTarget
        fields = ["year", "indicator_key", "label", "minimum", "maximum", "unit", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_key"] = forms.ChoiceField(
            label="对应指标",
            choices=indicator_choices(),
            required=False,
            help_text=YearTarget._meta.get_field("indicator_key").help_text,
            widget=forms.Select(attrs={"class": "form-select"}),
        )


class HonourForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Honour
        fields = ["year", "text", "order"]


class NarrativeParagraphForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = NarrativeParagraph
        fields = ["year", "section", "order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
