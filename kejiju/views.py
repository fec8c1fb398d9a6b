import django_filters
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .audit import record
from .choices import AuditAction, Role
from .filters import FilterSet
from .imports.exporting import table_response
from .listing import export_query
from .models import AuditEvent
from .navigation import public_home
from .permissions import BUREAU, NO_ROLE_MESSAGE, role_required
from .queue import broker_status

ROLE_HOMES = {
    Role.STAFF: "staff_home",
    Role.ADMIN: "admin:index",
    Role.ENTERPRISE: "enterprise_home",
    Role.EXPERT: "expert_home",
    Role.LEADER: "leader_home",
    Role.SECURITY_ADMIN: "security",
    Role.AUDITOR: "audit_log",
    Role.TOWN: "screening:town_home",
}


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        record(AuditAction.PASSWORD_CHANGED, self.request, user=self.request.user)
        return response


class AcceptInvitationView(auth_views.PasswordResetConfirmView):
    """The invited account holder sets their password with the one-time link."""

    template_name = "registration/invitation.html"
    success_url = "/accounts/login/?invited=1"

    def form_valid(self, form):
        response = super().form_valid(form)
        record(AuditAction.PASSWORD_SET, self.request, user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


def locked_out(request, original_response=None, credentials=None):
    """The lockout page (``AXES_LOCKOUT_CALLABLE``): Chinese, with the cool-off in minutes."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: usually a login form left open too long; says so in Chinese."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def home(request):
    """Sends each role to its own home page; anonymous visitors see the public portal page."""
    if not request.user.is_authenticated:
        view = public_home()
        return view(request) if view is not None else redirect(settings.LOGIN_URL)
    if not request.user.role:
        # e.g. an account made with createsuperuser: the flag gives nothing (kejiju.permissions)
        raise PermissionDenied(NO_ROLE_MESSAGE)
    return redirect(ROLE_HOMES[Role(request.user.role)])


@role_required(*BUREAU)
def staff_home(request):
    from .worklist import items_for

    return render(request, "kejiju/home_staff.html", {"work": items_for(request.user)})


@role_required(Role.ENTERPRISE)
def enterprise_home(request):
    from .worklist import items_for

    return render(
        request,
        "kejiju/home_enterprise.html",
        {"enterprise": request.user.enterprise, "work": items_for(request.user)},
    )


@role_required(Role.EXPERT)
def expert_home(request):
    return redirect("experts:my_reviews")


@role_required(Role.LEADER)
def leader_home(request):
    try:
        return redirect(reverse("reports:dashboard"))
    except Exception:
        return render(request, "kejiju/home_leader.html")


class AuditEventFilter(FilterSet):
    username = django_filters.CharFilter(label="用户名", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label="事件", choices=AuditAction.choices)
    at = django_filters.DateFromToRangeFilter(label="日期范围")

    class Meta:
        model = AuditEvent
        fields = ["username", "action", "at"]


@role_required(Role.AUDITOR)
def audit_log(request):
    """The audit log, for the security auditor only (separation of duties)."""
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.select_related("user"))
    if request.GET.get("export") == "xlsx":
        return _audit_export(events.qs[:AUDIT_EXPORT_LIMIT])
    page = Paginator(events.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "kejiju/audit_log.html",
        {"filter": events, "page": page, "export_query": export_query(request)},
    )


AUDIT_EXPORT_LIMIT = 100_000


def _audit_export(events):
    """The selected events for an assessment (等保测评): time, event, user, address, path,
    browser and detail. Names typed at the login form are text, never formulas."""
    rows = (
        (
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.get_action_display(),
            e.username,
            e.ip_address or "",
            e.path,
            e.user_agent,
            e.detail,
        )
        for e in events.iterator(chunk_size=2000)
    )
    headers = ["时间", "事件", "用户名", "IP 地址", "访问路径", "浏览器", "说明"]
    stamp = timezone.localtime().strftime("%Y%m%d")
    return table_response("审计日志", headers, rows, f"审计日志{stamp}.xlsx")


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unavailable"
    broker = broker_status()
    healthy = database == "ok" and broker in ("ok", "eager")
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "database_engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "broker": broker,
        },
        status=200 if healthy else 503,
    )
