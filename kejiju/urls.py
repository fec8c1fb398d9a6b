from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import search, security, views
from .accounts.views import admin_login

# One login page for the portal and the admin site: the captcha after repeated failures from one
# address, the lockout and the second factor apply to both.
admin.site.login = admin_login

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("kejiju.accounts.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        views.AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("staff/", views.staff_home, name="staff_home"),
    path("enterprise/", views.enterprise_home, name="enterprise_home"),
    path("expert/", views.expert_home, name="expert_home"),
    path("leader/", views.leader_home, name="leader_home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("security/", security.SecurityView.as_view(), name="security"),
    path("security/accounts/<int:pk>/unlock/", security.unlock, name="security_unlock"),
    path("security/accounts/<int:pk>/active/", security.set_active, name="security_active"),
    path("search/", search.site_search, name="site_search"),
    path("healthz", views.healthz, name="healthz"),
    path("enterprises/", include("enterprises.urls")),
    path("projects/", include("projects.urls")),
    path("patents/", include("patents.urls")),
    path("imports/", include("kejiju.imports.urls")),
    path("experts/", include("experts.urls")),
    path("seismic/", include("seismic.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("kejiju.notifications.urls")),
    path("screening/", include("projects.screening.urls")),
    path("admin/", admin.site.urls),
]
