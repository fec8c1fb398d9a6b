from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class KejijuConfig(AppConfig):
    name = "kejiju"
    verbose_name = "平台与基础数据"

    def ready(self) -> None:
        from . import audit, checks, collation  # noqa: F401  (signal receivers, system checks)


class AxesConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin (its models' names are in locale/)."""

    verbose_name = "登录失败与锁定"
