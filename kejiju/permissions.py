"""Who may use which page: one decorator and one mixin over the user's role.

A logged-in user who opens a page of another role gets a Chinese 403 page and the attempt is written
to the audit log; an anonymous user is sent to the login page.
"""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .audit import record
from .choices import AuditAction, Role

BUREAU = (Role.STAFF, Role.ADMIN)


def deny(request, reason: str = "") -> PermissionDenied:
    record(AuditAction.PERMISSION_DENIED, request, user=request.user, detail=reason)
    return PermissionDenied(reason or "您没有访问该页面的权限。")


def check_role(request, roles) -> None:
    if not request.user.has_role(*roles):
        raise deny(request, f"需要角色：{'、'.join(Role(r).label for r in roles)}")
    if tuple(roles) == (Role.ENTERPRISE,) and not request.user.enterprise_id:
        # An enterprise's own pages work on the user's enterprise; a superuser passes every role
        # check without one.
        raise deny(request, "该页面供企业用户办理本企业事务，当前账号未关联企业。")


def role_required(*roles: str):
    """View decorator: only users with one of ``roles`` (or a superuser) may pass."""

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
