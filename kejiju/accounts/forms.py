from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth import forms as auth_forms

from kejiju.audit import record
from kejiju.choices import AuditAction

from . import limits


class CaptchaWidget(CaptchaTextInput):
    template_name = "accounts/captcha_widget.html"


def captcha_field() -> CaptchaField:
    return CaptchaField(
        label="图形验证码",
        widget=CaptchaWidget(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={
            "invalid": "图形验证码不正确，请看清新的图片后重新输入。",
            "required": "请输入图形验证码。",
            "incomplete": "请输入图形验证码。",
        },
    )


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form; the lockout (django-axes) works inside ``authenticate``."""


class CaptchaLoginForm(LoginForm):
    """The login form for an address over the failure threshold: the captcha is checked first,
    and without the right answer the password is not even tried."""

    captcha = captcha_field()

    def clean(self):
        if "captcha" in self._errors:
            return self.cleaned_data
        return super().clean()


class TokenForm(forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
            }
        ),
        error_messages={"required": "请输入验证码。"},
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()

    @property
    def is_totp(self) -> bool:
        token = self.cleaned_data.get("token", "")
        return token.isdigit() and len(token) == 6


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="登录密码",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        ),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the per-account limit and the audit trail. Whether the address
    belongs to an account, and whether its mail went out, never changes the answer."""

    email = forms.EmailField(
        label="注册时填写的电子邮箱",
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )

    def get_users(self, email):
        for user in super().get_users(email):
            self.matched = True
            if limits.reset_mails_exhausted(user):
                record(
                    AuditAction.RATE_LIMITED,
                    self.request,
                    user=user,
                    detail="找回密码：该账号 1 小时内的重置邮件已达上限，本次未发送",
                )
                continue
            record(
                AuditAction.PASSWORD_RESET_REQUESTED,
                self.request,
                user=user,
                detail=f"已向 {email} 发送重置密码邮件",
            )
            yield user

    def save(self, *, request, **kwargs):
        self.request, self.matched = request, False
        super().save(request=request, **kwargs)
        if not self.matched:
            record(
                AuditAction.PASSWORD_RESET_REQUESTED,
                request,
                detail=f"{self.cleaned_data['email'][:200]}：无对应的有效账号，未发送邮件",
            )


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass
