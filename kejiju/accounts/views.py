"""Logging in (with the captcha after repeated failures from one address), 忘记密码 and the
second factor: enrolment, verification, backup codes."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kejiju.audit import client_ip, record
from kejiju.choices import AuditAction

from . import limits, second_factor
from .forms import (
    CaptchaLoginForm,
    LoginForm,
    PasswordConfirmForm,
    PasswordResetForm,
    SetPasswordForm,
    TokenForm,
)
from .tokens import reset_token_generator

# ---- logging in ------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def captcha_required(self) -> bool:
        if not hasattr(self, "_captcha"):
            self._captcha = limits.captcha_required(self.request)
        return self._captcha

    def get_form_class(self):
        return CaptchaLoginForm if self.captcha_required() else LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(failure_limit=settings.AXES_FAILURE_LIMIT, **kwargs)
        # A new picture on every page: an answered (or wrongly answered) one is used up.
        context["captcha"] = CaptchaLoginForm()["captcha"] if self.captcha_required() else None
        context["captcha_errors"] = context["form"].errors.get("captcha")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        if second_factor.pending(self.request):
            return redirect(second_factor.redirect_url(self.request, self.get_success_url()))
        return response

    def form_invalid(self, form):
        if "captcha" in form.errors:
            # Not tried against the password, but a failure from this address all the same.
            record(
                AuditAction.LOGIN_FAILED,
                self.request,
                username=str(form.data.get("username", ""))[:150],
                detail="图形验证码错误或未填写，未校验密码",
            )
        threshold = settings.KEJIJU_CAPTCHA_AFTER_FAILURES
        if not self.captcha_required() and threshold > 0:
            failures = limits.login_failures(self.request)
            if failures >= threshold:
                self._captcha = True
                record(
                    AuditAction.CAPTCHA_REQUIRED,
                    self.request,
                    detail=(
                        f"来源 {client_ip(self.request) or '未知'} 在 "
                        f"{settings.KEJIJU_CAPTCHA_WINDOW_MINUTES} 分钟内登录失败 {failures} 次"
                        "（不限用户名），此后从该地址登录须输入图形验证码"
                    ),
                )
        return super().form_invalid(form)


def admin_login(request, extra_context=None):
    """The admin site's login page is the portal's: the same captcha, lockout and second factor
    (``admin.site.login``). A logged-in user who may not use the admin site goes home instead
    of back and forth between the two."""
    if request.user.is_authenticated:
        return redirect("admin:index" if admin.site.has_permission(request) else "home")
    return LoginView.as_view()(request)


# ---- 忘记密码 ----------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Always the same answer, whether the address belongs to an account or not; at most
    ``KEJIJU_PASSWORD_RESET_PER_HOUR`` requests an hour from one address and
    ``KEJIJU_PASSWORD_RESET_PER_ACCOUNT`` mails an hour to one account."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = PasswordResetForm
    token_generator = reset_token_generator
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        return {
            "portal_name": settings.KEJIJU_PORTAL_NAME,
            "valid_minutes": settings.KEJIJU_PASSWORD_RESET_LINK_MINUTES,
        }

    def post(self, request, *args, **kwargs):
        if limits.password_resets_exhausted(request):
            record(
                AuditAction.RATE_LIMITED,
                request,
                detail="找回密码：该地址 1 小时内申请次数已达上限",
            )
            form = self.get_form()
            form.is_valid()
            form.add_error(None, "找回密码的申请过于频繁，请 1 小时后再试。")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    token_generator = reset_token_generator
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(AuditAction.PASSWORD_RESET, self.request, user=form.user)
        # The holder proved the mailbox: their own address is no longer locked out for the
        # account (other addresses' lockouts stay).
        axes_reset(ip=client_ip(self.request), username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# ---- the second factor -----------------------------------------------------------------------


def _throttled_message(device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    if until:
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        return f"验证失败次数过多，请 {seconds} 秒后再试。"
    return "验证失败次数过多，请稍后再试。"


@never_cache
@login_required
def two_factor(request):
    """两步验证: the user's own state, enrolment, backup codes, and (where the role allows it)
    switching it off."""
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": second_factor.totp_device(user),
            "remaining": second_factor.remaining_backup_codes(user),
            "required": second_factor.role_requires(user),
            "disable_form": PasswordConfirmForm(),
        },
    )


@never_cache
@login_required
def otp_setup(request):
    """Enrolment: the key as a QR code (and as text), confirmed by one code from the app."""
    user = request.user
    next_url = second_factor.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if second_factor.enrolled(user):
        if not second_factor.is_verified(user):
            return redirect(second_factor.redirect_url(request, next_url))
        messages.info(request, "您已启用两步验证。")
        return redirect("two_factor")
    device = second_factor.totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=second_factor.TOTP_DEVICE_NAME, confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _throttled_message(device)
        if throttled:
            form.add_error("token", throttled)
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = second_factor.issue_backup_codes(user)
            otp_login(request, device)
            request.session[second_factor.ENROLLED_SESSION_KEY] = True
            request.session[second_factor.NEW_CODES_SESSION_KEY] = codes
            record(AuditAction.OTP_ENROLLED, request, user=user, detail="验证器应用（TOTP）")
            messages.success(request, "两步验证已启用。请立即保存下面的备用验证码。")
            return redirect(f"{reverse('otp_backup_codes')}?{urlencode({'next': next_url})}")
        else:
            record(AuditAction.OTP_FAILED, request, user=user, detail="启用两步验证时验证码不正确")
            form.add_error(
                "token", "验证码不正确。请核对手机时间，并输入应用中当前显示的 6 位数字。"
            )
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": second_factor.qr_svg(device.config_url),
            "secret": second_factor.secret_text(device),
            "required": second_factor.role_requires(user),
            "backup_count": settings.KEJIJU_OTP_BACKUP_CODES,
            "demo_hint": settings.DEBUG,
        },
    )


@never_cache
@login_required
def otp_verify(request):
    """Verification after the password: a code of the authenticator app or a backup code."""
    user = request.user
    next_url = second_factor.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if second_factor.is_verified(user):
        return redirect(next_url)
    if not second_factor.has_any_device(user):
        if second_factor.role_requires(user):
            return redirect(second_factor.redirect_url(request, next_url))
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if form.is_totp:
            devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        else:
            backup = second_factor.backup_device(user)
            devices = [backup] if backup else []
        throttled = next(filter(None, map(_throttled_message, devices)), None)
        verified = None
        if not throttled:
            verified = next((d for d in devices if d.verify_token(token)), None)
        if verified is not None:
            otp_login(request, verified)
            request.session[second_factor.ENROLLED_SESSION_KEY] = True
            if form.is_totp:
                record(AuditAction.OTP_VERIFIED, request, user=user, detail="验证器应用（TOTP）")
            else:
                left = second_factor.remaining_backup_codes(user)
                record(AuditAction.OTP_BACKUP_USED, request, user=user, detail=f"剩余 {left} 个")
                level = messages.warning if left <= 3 else messages.info
                level(
                    request,
                    f"已使用一个备用验证码，还剩 {left} 个。用完前请在「两步验证」中重新生成。",
                )
            return redirect(next_url)
        kind = "验证器应用验证码" if form.is_totp else "备用验证码"
        record(
            AuditAction.OTP_FAILED,
            request,
            user=user,
            detail=f"{kind}不正确" + ("（验证过于频繁，已暂缓）" if throttled else ""),
        )
        form.add_error("token", throttled or f"{kind}不正确，请重新输入。")
    return render(
        request,
        "accounts/otp_verify.html",
        {
            "form": form,
            "next": next_url,
            "has_totp": second_factor.enrolled(user),
            "demo_hint": settings.DEBUG,
        },
    )


@never_cache
@login_required
def otp_backup_codes(request):
    """The backup codes: shown once when made; 重新生成 makes a new set and voids the old one."""
    user = request.user
    if not second_factor.enrolled(user):
        messages.info(request, "请先启用两步验证。")
        return redirect("two_factor")
    if request.method == "POST":
        request.session[second_factor.NEW_CODES_SESSION_KEY] = second_factor.issue_backup_codes(
            user
        )
        record(AuditAction.OTP_BACKUP_REGENERATED, request, user=user)
        messages.success(request, "已生成新的备用验证码，原有的备用验证码全部作废。")
        return redirect("otp_backup_codes")
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "codes": request.session.pop(second_factor.NEW_CODES_SESSION_KEY, None),
            "remaining": second_factor.remaining_backup_codes(user),
            "next": second_factor.safe_next(request, request.GET.get("next")),
        },
    )


@require_POST
@login_required
def otp_disable(request):
    """Switches a voluntary second factor off, with the password; a role that requires it
    cannot."""
    user = request.user
    if second_factor.role_requires(user):
        messages.error(request, f"{user.get_role_display()}必须使用两步验证，不能停用。")
        return redirect("two_factor")
    form = PasswordConfirmForm(request.POST)
    if not (form.is_valid() and user.check_password(form.cleaned_data["password"])):
        messages.error(request, "登录密码不正确，两步验证未停用。")
        return redirect("two_factor")
    if second_factor.has_any_device(user):
        TOTPDevice.objects.filter(user=user).delete()
        from django_otp.plugins.otp_static.models import StaticDevice

        StaticDevice.objects.filter(user=user).delete()
        second_factor.forget(request)
        record(AuditAction.OTP_DISABLED, request, user=user, detail="本人停用")
        messages.success(request, "两步验证已停用。")
    return redirect("two_factor")
