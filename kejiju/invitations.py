"""Invitations: a one-time link with which a new account holder sets their own password.

The link is Django's password-reset token for the account, so it stops working once the password
is set, and expires after ``PASSWORD_RESET_TIMEOUT`` (3 days by default)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def invitation_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accept_invitation", args=[uid, default_token_generator.make_token(user)])


def send_invitation(user, *, base_url: str, purpose: str) -> str:
    """E-mails the link when the account has an address; returns the link for staff to pass on."""
    link = base_url.rstrip("/") + invitation_path(user)
    if user.email:
        send_mail(
            f"{settings.KEJIJU_PORTAL_NAME}账号邀请",
            f"{user.get_full_name() or user.username}：\n\n您已受邀{purpose}。请在 3 天内打开以下链接设置密码：\n"
            f"{link}\n\n用户名：{user.username}\n",
            None,
            [user.email],
        )
    return link
