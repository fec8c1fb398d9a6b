"""Who may do what, decided by the user's role alone, in one place.

Pages: one decorator and one mixin over the role. A logged-in user who opens a page of another
role gets a Chinese 403 page and the attempt is written to the audit log; an anonymous user is
sent to the login page.

三员分立 (等保): the system administrator (系统管理员), the security administrator (安全管理员) and
the security auditor (安全审计员) are three people, and none of them can do the others' work:

- 系统管理员 (``admin``): users and reference data, in the admin site (every model there except the
  lockout records), and the bureau's pages as the staff have them;
- 安全管理员 (``security_admin``): the security settings — the account list with its lock state,
  unlocking and disabling accounts, the password and lockout policy at /security/, and the
  lockout records in the admin site — and nothing else;
- 安全审计员 (``auditor``): the audit log at /audit/ and nothing else.

The superuser flag gives nothing: :func:`model_permissions`, :func:`may_use_admin_site` and
``User.has_role`` read the role only, so an account made with ``createsuperuser`` (which has no
role) is refused everywhere, and a superuser with a role has exactly what the role gives. The first
accounts of the three roles are made with ``manage.py create_admin``.
"""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .audit import record
from .choices import AuditAction, Role

BUREAU = (Role.STAFF, Role.ADMIN)

# 三员: the three administrative roles, each held by its own people.
ADMINISTRATORS = (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)
# Who may enter the Django admin site; what each may do there is model_permissions().
ADMIN_SITE_ROLES = (Role.STAFF, Role.ADMIN, Role.SECURITY_ADMIN)
# The lockout records (django-axes): the security administrator's alone.
SECURITY_APPS = frozenset({"axes"})
# Accounts and permission groups: the system administrator's alone (staff never get them through a
# group).
ACCOUNT_MODELS = frozenset(
    {"kejiju.user", "kejiju.historicaluser", "auth.group", "auth.permission"}
)
# The audit log is read at /audit/ by the auditor; nobody gets it through the admin site.
AUDIT_MODELS = frozenset({"kejiju.auditevent"})

NO_ROLE_MESSAGE = "当前账号未分配角色，不能使用本平台的任何功能。请联系系统管理员分配角色。"


def may_use_admin_site(user) -> bool:
    """Whether ``user`` may enter the Django admin site (``PortalAdminSite.has_permission``)."""
    return bool(user.is_authenticated and user.is_active and user.role in ADMIN_SITE_ROLES)


def model_permissions(user) -> frozenset[str]:
    """The Django model permissions (``app_label.codename``) ``user`` holds: by role, never by the
    superuser flag. Read once per user object (the admin asks for them many times a page)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_role_permissions", None)
    if cached is None:
        cached = user._role_permissions = _role_permissions(user)
    return cached


def _role_permissions(user) -> frozenset[str]:
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    def granted(permissions) -> list[tuple[str, str, str]]:
        return list(
            permissions.values_list("content_type__app_label", "content_type__model", "codename")
        )

    if user.role == Role.ADMIN:
        rows = [
            row
            for row in granted(Permission.objects.all())
            if row[0] not in SECURITY_APPS and f"{row[0]}.{row[1]}" not in AUDIT_MODELS
        ]
    elif user.role == Role.SECURITY_ADMIN:
        rows = granted(Permission.objects.filter(content_type__app_label__in=SECURITY_APPS))
    elif user.role == Role.STAFF:
        # What the system administrator granted through permission groups (or one by one), on
        # the business models only.
        own = Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()
        rows = [
            row
            for row in granted(own)
            if row[0] not in SECURITY_APPS
            and f"{row[0]}.{row[1]}" not in ACCOUNT_MODELS | AUDIT_MODELS
        ]
    else:
        rows = []
    return frozenset(f"{app_label}.{codename}" for app_label, _, codename in rows)


def deny(request, reason: str = "") -> PermissionDenied:
    record(AuditAction.PERMISSION_DENIED, request, user=request.user, detail=reason)
    return PermissionDenied(reason or "您没有访问该页面的权限。")


def check_role(request, roles) -> None:
    if not request.user.role:
        raise deny(request, NO_ROLE_MESSAGE)
    if not request.user.has_role(*roles):
        raise deny(request, f"需要角色：{'、'.join(Role(r).label for r in roles)}")
    if tuple(roles) == (Role.ENTERPRISE,) and not request.user.enterprise_id:
        # An enterprise's own pages work on the user's enterprise (the database holds every
        # enterprise user to one; this keeps a half-made account out all the same).
        raise deny(request, "该页面供企业用户办理本企业事务，当前账号未关联企业。")


def role_required(*roles: str):
    """View decorator: only users with one of ``roles`` may pass (the superuser flag counts for
    nothing)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_role(request, roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based view counterpart of :func:`role_required`."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        check_role(request, self.roles)
        return super().dispatch(request, *args, **kwargs)
