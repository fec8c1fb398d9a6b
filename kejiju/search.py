"""Site search: the box in the top bar and its result page ``/search/?q=``.

Each app declares what it lets people find in ``<app>/search.py`` (found through the app
registry like menus and to-do lists; this module imports no app)::

    KIND = "企业"                       # the heading of the app's group of results
    ROLES = (Role.STAFF, …)             # who may search this kind at all
    def search(user, text) -> SearchGroup | None

``search`` reads through the same querysets as the app's own list (``visible_to(user)`` and the
list's search), so a result page never shows a record its user could not open from the list.
Matching is ``icontains`` on every database; on PostgreSQL the columns searched most have
trigram (pg_trgm) GIN indexes on ``UPPER(column)``, which is what ``icontains`` compares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .discovery import app_modules
from .filters import TEXT_MAX_LENGTH
from .permissions import NO_ROLE_MESSAGE, deny

# Rows shown per kind on the result page; the group links to its list for the rest.
PER_KIND = 20
# Counted up to this many per kind ("1000+" beyond): a word as common as 一种 matches most of
# the patent register, and counting all of it would cost more than the page.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Hit:
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    hits: list[Hit]
    total: int
    more_url: str = ""

    @property
    def total_text(self) -> str:
        return f"{COUNT_CAP}+" if self.total > COUNT_CAP else str(self.total)


def group(
    kind: str,
    queryset,
    *,
    title: Callable[[object], str],
    detail: Callable[[object], str],
    url: Callable[[object], str],
    more_url: str = "",
) -> SearchGroup:
    """The first ``PER_KIND`` rows of ``queryset`` and how many there are in all."""
    rows = list(queryset[: PER_KIND + 1])
    total = len(rows) if len(rows) <= PER_KIND else queryset[: COUNT_CAP + 1].count()
    hits = [Hit(str(title(row)), str(detail(row) or ""), url(row)) for row in rows[:PER_KIND]]
    return SearchGroup(kind, hits, total, more_url)


def clean_query(raw: str | None) -> tuple[str, str]:
    """``(text, error)``: the text to search for (blank when there is nothing to search) and
    the message to show when the input was refused."""
    text = " ".join((raw or "").replace("\x00", " ").split())
    if len(text) > TEXT_MAX_LENGTH:
        return "", f"搜索词最多 {TEXT_MAX_LENGTH} 个字符，请缩短后再搜索。"
    return text, ""


def searchers(user) -> list[object]:
    """The apps' search modules open to ``user``."""
    if user is None or not user.is_authenticated or not user.role:
        return []
    return [
        module
        for _, module in app_modules("search", platform=False)
        if user.has_role(*module.ROLES)
    ]


def results_for(user, text: str) -> list[SearchGroup]:
    if not text:
        return []
    found = (module.search(user, text) for module in searchers(user))
    return [result for result in found if result is not None and result.total]


def searchable_kinds(user) -> Iterable[str]:
    return [module.KIND for module in searchers(user)]


@require_safe
@never_cache
def site_search(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.role:
        raise deny(request, NO_ROLE_MESSAGE)
    kinds = list(searchable_kinds(request.user))
    if not kinds:
        raise deny(request, "当前角色没有可搜索的内容。")
    text, error = clean_query(request.GET.get("q"))
    groups = results_for(request.user, text)
    return render(
        request,
        "kejiju/search.html",
        {
            "q": text,
            "error": error,
            "groups": groups,
            "kinds": kinds,
            "total": sum(g.total for g in groups),
        },
    )
