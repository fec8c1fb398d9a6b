import logging

from django import forms

from .models import MOBILE_VALIDATOR

log = logging.getLogger(__name__)


class PreferencesForm(forms.Form):
    """The mobile number and, per kind, the e-mail digest and SMS boxes (``email:<kind>``,
    ``sms:<kind>``). A box for a kind the portal does not know is ignored with a log line."""

    mobile = forms.CharField(
        label="接收短信的手机号码",
        max_length=20,  # the pattern below says what is wrong with a longer one
        required=False,
        validators=[MOBILE_VALIDATOR],
        help_text="选择短信提醒须填写中国大陆手机号码。",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )

    def __init__(self, *args, kinds: dict[str, str], chosen: dict[str, tuple[bool, bool]], **kw):
        super().__init__(*args, **kw)
        self.kinds = kinds
        for kind, label in kinds.items():
            email, sms = chosen.get(kind, (True, False))
            self.fields[f"email:{kind}"] = forms.BooleanField(
                label=f"{label} · 邮件", required=False, initial=email
            )
            self.fields[f"sms:{kind}"] = forms.BooleanField(
                label=f"{label} · 短信", required=False, initial=sms
            )
        if self.data:
            for name in self.data:
                channel, _, kind = name.partition(":")
                if channel in ("email", "sms") and kind not in kinds:
                    log.warning("notification preferences: unknown kind %r ignored", kind)

    def rows(self):
        for kind, label in self.kinds.items():
            yield label, self[f"email:{kind}"], self[f"sms:{kind}"]

    def chosen(self) -> dict[str, tuple[bool, bool]]:
        return {
            kind: (self.cleaned_data[f"email:{kind}"], self.cleaned_data[f"sms:{kind}"])
            for kind in self.kinds
        }

    def clean_mobile(self) -> str:
        return self.cleaned_data["mobile"].strip()

    def clean(self):
        cleaned = super().clean()
        wants_sms = any(cleaned.get(f"sms:{kind}") for kind in self.kinds)
        if wants_sms and not cleaned.get("mobile") and "mobile" not in self.errors:
            self.add_error("mobile", "选择了短信提醒，须填写接收短信的手机号码。")
        return cleaned
