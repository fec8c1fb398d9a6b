"""安全管理 (/security/): the security administrator's page (三员分立, kejiju.permissions).

Every account with its lock state — failed logins counted by the lockout (django-axes), locked
until when, disabled or not — with 解除锁定 and 停用/启用, each written to the audit log; and the
security policy in force (lockout, password rules, session timeout, audit retention), read from
the settings, which the deployment's environment file sets.
"""

import django_filters
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from .audit import record
from .choices import AuditAction, Role
from .filters import FilterSet, SearchFilter
from .listing import FilteredListView
from .models import User
from .permissions import role_required

LOCKOUT_PARAMETER_LABELS = {"username": "用户名", "ip_address": "IP 地址", "user_agent": "浏览器"}
ROLE_CHOICES = [("none", "未分配角色"), *Role.choices]
STATE_CHOICES = [("locked", "已锁定"), ("failing", "有登录失败记录"), ("inactive", "已停用")]


def _recent_attempts():
    """The lockout's failure records still in force (younger than the cool-off)."""
    attempts = AccessAttempt.objects.all()
    cool_off = settings.AXES_COOLOFF_TIME
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def lock_states(usernames) -> dict[str, dict]:
    """For each user name with failures in force: the failures and, when locked, until when."""
    states: dict[str, dict] = {}
    limit = settings.AXES_FAILURE_LIMIT
    cool_off = settings.AXES_COOLOFF_TIME
    for attempt in _recent_attempts().filter(username__in=list(usernames)):
        state = states.setdefault(attempt.username, {"failures": 0, "locked_until": None})
        state["failures"] = max(state["failures"], attempt.failures_since_start)
        if attempt.failures_since_start >= limit:
            until = attempt.attempt_time + cool_off if cool_off else None
            if state["locked_until"] is None or (until and until > state["locked_until"]):
                state["locked_until"] = until
            state["locked"] = True
    return states


class AccountFilter(FilterSet):
    q = SearchFilter("username", "last_name", "first_name", label="用户名或姓名")
    role = django_filters.ChoiceFilter(label="角色", choices=ROLE_CHOICES, method="by_role")
    state = django_filters.ChoiceFilter(label="状态", choices=STATE_CHOICES, method="by_state")

    class Meta:
        model = User
        fields = ["q", "role", "state"]

    def by_role(self, queryset, name, value):
        return queryset.filter(role="" if value == "none" else value)

    def by_state(self, queryset, name, value):
        if value == "inactive":
            return queryset.filter(is_active=False)
        attempts = _recent_attempts()
        if value == "locked":
            attempts = attempts.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        return queryset.filter(username__in=attempts.values("username"))


class SecurityView(FilteredListView):
    """The account list with its lock state, and the policy in force."""

    roles = (Role.SECURITY_ADMIN,)
    filterset_class = AccountFilter
    template_name = "kejiju/security.html"
    paginate_by = 50
    sort_fields = {
        "username": ("username",),
        "last_login": ("last_login",),
        "password_changed_at": ("password_changed_at",),
    }

    def get_queryset(self):
        return User.objects.order_by("role", "username")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        accounts = list(context["page"])
        states = lock_states(a.username for a in accounts)
        context["accounts"] = [(a, states.get(a.username)) for a in accounts]
        context["policy"] = policy()
        context["locked_total"] = (
            _recent_attempts().filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).count()
        )
        return context


def policy() -> list[tuple[str, str]]:
    """The security settings in force, as the page shows them (read-only)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    counted_by = "；".join(
        " + ".join(LOCKOUT_PARAMETER_LABELS.get(part, part) for part in _as_list(parameter))
        for parameter in settings.AXES_LOCKOUT_PARAMETERS
    )
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    return [
        (
            "登录失败锁定",
            f"连续失败 {settings.AXES_FAILURE_LIMIT} 次后锁定"
            + (f" {minutes} 分钟" if minutes else "，直至解除锁定")
            + f"（按{counted_by}计数）",
        ),
        ("会话超时", f"{settings.SESSION_IDLE_TIMEOUT // 60} 分钟无操作自动退出"),
        ("密码最小长度", f"{settings.PASSWORD_MIN_LENGTH} 位"),
        (
            "密码复杂度",
            "须包含大写字母、小写字母、数字、符号中的三类"
            if settings.PASSWORD_REQUIRE_COMPLEXITY
            else "未要求",
        ),
        ("密码有效期", f"{max_age} 天，到期须先修改密码" if max_age > 0 else "未要求定期修改"),
        ("密码校验规则", "；".join(password_validation.password_validators_help_texts())),
        ("审计日志保留", f"至少 {settings.AUDIT_LOG_RETENTION_DAYS} 天"),
    ]


def _as_list(parameter) -> list[str]:
    return [parameter] if isinstance(parameter, str) else list(parameter)


@require_POST
@role_required(Role.SECURITY_ADMIN)
def unlock(request, pk: int):
    """Clears the account's failed logins: the lockout ends at once."""
    account = get_object_or_404(User, pk=pk)
    cleared = reset(username=account.username)
    record(
        AuditAction.ACCOUNT_UNLOCKED,
        request,
        user=request.user,
        detail=f"账号 {account.username}：清除登录失败记录 {cleared} 条",
    )
    messages.success(request, f"已解除账号 {account.username} 的锁定。")
    return redirect("security")


@require_POST
@role_required(Role.SECURITY_ADMIN)
def set_active(request, pk: int):
    """停用 or 启用 an account (``active`` = 0 or 1). A disabled account cannot log in and its open
    sessions end at their next request; nobody disables their own account here."""
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active")
    if active not in ("0", "1"):
        messages.error(request, "请选择停用或启用。")
    elif account.pk == request.user.pk:
        messages.error(request, "不能停用或启用自己的账号。")
    elif account.is_active != (active == "1"):
        account.is_active = active == "1"
        account._change_reason = "安全管理员" + ("启用账号" if account.is_active else "停用账号")
        account.save(update_fields=["is_active"])
        action = AuditAction.ACCOUNT_ENABLED if account.is_active else AuditAction.ACCOUNT_DISABLED
        record(action, request, user=request.user, detail=f"账号 {account.username}")
        messages.success(
            request, f"已{'启用' if account.is_active else '停用'}账号 {account.username}。"
        )
    return redirect("security")
