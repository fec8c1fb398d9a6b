from django import forms
from django.conf import settings

DJANGO_EMPTY_LABEL = "---------"


def label_empty_choice(field) -> None:
    """Django's empty choice "---------" reads as the portal's one label (请选择)."""
    label = settings.KEJIJU_EMPTY_CHOICE_LABEL
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None) and choices[0][1] == DJANGO_EMPTY_LABEL:
            field.choices = [("", label), *choices[1:]]


class BootstrapMixin:
    """Gives every widget of the form its Bootstrap class (form-control, form-select,
    form-check-input) unless the form set one, and the empty choice of a select the portal's
    one label (settings.KEJIJU_EMPTY_CHOICE_LABEL, 请选择) instead of "---------"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label_empty_choice(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
