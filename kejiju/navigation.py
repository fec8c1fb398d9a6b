"""The navigation menu, declared by each app in its ``menu.py`` as ``MENU = [MenuItem(...)]`` and
shown to each role only where it may go."""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    group: str = ""
    order: int = 100

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_items: list[MenuItem] | None = None


def all_items() -> list[MenuItem]:
    global _items
    if _items is None:
        found: list[MenuItem] = []
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.menu")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.menu":
                    raise
                continue
            found.extend(getattr(module, "MENU", []))
        _items = sorted(found, key=lambda item: (item.order, item.label))
    return _items


def menu_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    entries = []
    for item in all_items():
        if user.is_superuser or user.role in item.roles:
            url = item.url()
            if url:
                entries.append({"label": item.label, "url": url, "group": item.group})
    return entries
