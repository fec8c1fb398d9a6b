from django.apps import AppConfig


class KejijuConfig(AppConfig):
    name = "kejiju"
    verbose_name = "平台与基础数据"

    def ready(self) -> None:
        from . import audit, checks  # noqa: F401  (signal receivers, system checks)
