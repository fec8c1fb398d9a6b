from captcha.views import captcha_image
from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/done/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/two-factor/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("accounts/two-factor/backup-codes/", views.otp_backup_codes, name="otp_backup_codes"),
    path("accounts/two-factor/disable/", views.otp_disable, name="otp_disable"),
    # The picture of the login captcha (django-simple-captcha), drawn by the portal itself.
    path("captcha/image/<slug:key>/", captcha_image, {"scale": 1}, name="captcha-image"),
]
