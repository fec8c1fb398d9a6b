from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "企业"

    def ready(self) -> None:
        from . import signals  # noqa: F401
