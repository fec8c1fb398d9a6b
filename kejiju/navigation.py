"""The navigation menu, declared by each app in its ``menu.py`` as ``MENU = [MenuItem(...)]`` and
shown to each role only where it may go."""

from dataclasses import dataclass
from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .discovery import app_modules


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


@cache
def all_items() -> list[MenuItem]:
    found = [item for _, module in app_modules("menu") for item in getattr(module, "MENU", [])]
    return sorted(found, key=lambda item: (item.order, item.label))


def menu_for(user) -> list[dict]:
    """The entries a user may use, in order; entries sharing a ``group`` become one drop-down
    (at the place of the group's first entry)."""
    if not user.is_authenticated:
        return []
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in all_items():
        if not user.has_role(*item.roles):  # the role alone, never the superuser flag
            continue
        url = item.url()
        if not url:
            continue
        entry = {"label": item.label, "url": url}
        if not item.group:
            entries.append(entry)
        elif item.group in groups:
            groups[item.group]["children"].append(entry)
        else:
            groups[item.group] = {"label": item.group, "children": [entry]}
            entries.append(groups[item.group])
    # a group with a single entry is shown as that entry
    return [e["children"][0] if len(e.get("children", ())) == 1 else e for e in entries]


def flat_menu_for(user) -> list[dict]:
    flat = []
    for entry in menu_for(user):
        flat.extend(entry.get("children", [entry]))
    return flat


@cache
def public_home():
    """The view anonymous visitors get at ``/``: named by an app's ``menu.py`` as
    ``PUBLIC_HOME = "app.views.view"`` (the first app in INSTALLED_APPS that names one), so the
    platform knows no app; ``None`` when none does."""
    for _, module in app_modules("menu"):
        path = getattr(module, "PUBLIC_HOME", None)
        if path:
            return import_string(path)
    return None
