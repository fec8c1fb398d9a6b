"""Finds the layouts: every installed app's ``resources.py`` is imported once and each
:class:`LayoutResource` subclass with a ``layout`` name registers itself."""

from importlib import import_module

from django.apps import apps

from .errors import SheetError
from .resources import REGISTRY, LayoutResource

_discovered = False


def discover() -> dict[str, type[LayoutResource]]:
    global _discovered
    if not _discovered:
        for config in apps.get_app_configs():
            try:
                import_module(f"{config.name}.resources")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.resources":
                    raise
        _discovered = True
    return dict(sorted(REGISTRY.items()))


def get_layout(name: str) -> type[LayoutResource]:
    layouts = discover()
    try:
        return layouts[name]
    except KeyError:
        known = "、".join(layouts) or "（无）"
        raise SheetError(f"没有名为「{name}」的表格格式。可用的格式：{known}") from None


def layout_choices() -> list[tuple[str, str]]:
    return [(name, cls.title) for name, cls in discover().items()]
