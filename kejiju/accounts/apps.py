from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Logging in and account safety: the login captcha against password spraying, the
    rate-limited password reset and the second factor (TOTP and backup codes)."""

    name = "kejiju.accounts"
    label = "kejiju_accounts"
    verbose_name = "登录与账号安全"

    def ready(self) -> None:
        from . import signals  # noqa: F401
