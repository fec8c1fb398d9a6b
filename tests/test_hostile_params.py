"""Hostile query parameters on every page, generated from the URL configuration.

The pages are the access matrix's GET rows (tests/access_matrix.py) whose URL takes no argument
and that some actor opens; a new list view is covered as soon as it has its matrix row. The
parameters of a page are read from the page itself and from the code:

* every field of its ``<form method="get">`` forms and every parameter of its links back to
  itself (pagination, year switches), as rendered for the first actor that opens it;
* ``page``, and every name the portal's code or templates read directly from ``request.GET``.

Each is sent alone with each of the ``HOSTILE`` values by that first actor, then all of them at
once with each value by every other actor that opens the page; a list that offers 导出 Excel is
exported with every value too. The answer must be the one the matrix gives (a page, never a 500),
and a value with markup must come back escaped. A superuser without a role (the flag gives
nothing) opens every GET page of the matrix without a 500 and is told the account has no role.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import django_filters
import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils.html import escape

from kejiju.filters import YEAR_RANGE_MESSAGE, FilterSet
from kejiju.permissions import NO_ROLE_MESSAGE
from tests import access_world
from tests.access_matrix import ACTORS, MATRIX
from tests.access_world import answer, client_for, drain, make_account, session_key, url_of

world = access_world.world
sessions = access_world.sessions

HOSTILE = {
    "zero": "0",
    "negative": "-1",
    "year-10000": "10000",
    "fraction": "1.5",
    "huge": "1234567890123456789012345",
    "text": "abc",
    "nul": "\x00",
    "quotes": "'\"",
    "markup": "<script>alert(1)</script>",
    "impossible-date": "2023-02-30",
    "long": "x" * 3000,
}
# The values every other actor sends with all the page's parameters at once.
SAMPLE = ("zero", "huge", "nul", "markup", "impossible-date")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- the parameters the code reads directly --------------------------------------------------

READ_IN_CODE = (
    re.compile(r"request\.GET(?:\.get|\.getlist)?\(\s*[\"'](\w+)[\"']"),
    re.compile(r"request\.GET\[\s*[\"'](\w+)[\"']\s*\]"),
    re.compile(r"[\"'](\w+)[\"']\s+(?:not\s+)?in\s+(?:self\.)?request\.GET\b"),
)
READ_IN_TEMPLATES = re.compile(r"request\.GET\.(\w+)")
QUERYDICT_METHODS = {"items", "keys", "values", "lists", "urlencode", "copy", "dict"}


def project_apps() -> set[str]:
    """The apps of this repository (not the installed packages)."""
    root = Path(settings.BASE_DIR).resolve()
    return {c.name for c in apps.get_app_configs() if root in Path(c.path).resolve().parents}


def names_read_from_get() -> set[str]:
    """Every query parameter a view (``request.GET.get("year")``, ``"point" in request.GET``) or
    a template (``request.GET.per_page``) of the project's own apps reads by name."""
    root = Path(settings.BASE_DIR).resolve()
    names: set[str] = set()
    for config in apps.get_app_configs():
        if config.name not in project_apps():
            continue
        path = Path(config.path).resolve()
        for source in path.rglob("*.py"):
            if "tests" in source.relative_to(path).parts:
                continue
            text = source.read_text(encoding="utf-8")
            for pattern in READ_IN_CODE:
                names.update(pattern.findall(text))
    for template in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]:
        names.update(READ_IN_TEMPLATES.findall(template.read_text(encoding="utf-8")))
    return names - QUERYDICT_METHODS


FREE = names_read_from_get() | {"page"}


# ---- the pages -------------------------------------------------------------------------------

PAGES = [
    pytest.param(row, id=row.name)
    for row in MATRIX
    if row.method == "GET" and not row.kwargs and "200" in row.expected.values()
]


class GetForms(HTMLParser):
    """The names of the fields of a page's GET forms, and the parameters of its links to
    itself; whether it offers an Excel export."""

    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.in_get_form = False
        self.fields: set[str] = set()
        self.exports = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self.in_get_form:
            if attrs.get("name") and attrs.get("type") not in ("submit", "button", "reset"):
                self.fields.add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            link = urlsplit(attrs["href"])
            if link.query and link.path in ("", self.path) and not link.netloc:
                keys = {part.split("=", 1)[0] for part in link.query.split("&") if part}
                self.exports |= "export=xlsx" in link.query.split("&")
                self.fields.update(keys - {"export"})

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


def get(client: Client, url: str, params: dict):
    """The response, or the exception the view raised; each request in a savepoint of its own,
    so that a database error does not end the test's transaction (PostgreSQL)."""
    try:
        with transaction.atomic():
            response = client.get(url, params)
            drain(response)
            return response
    except Exception as exc:  # noqa: BLE001 - reported with the parameters that caused it
        return exc


def problem(response, expected: str, value: str, baseline: str) -> str | None:
    """What is wrong with the answer to a hostile value, or None."""
    if isinstance(response, Exception):
        return f"{type(response).__name__}: {str(response)[:200]}"
    if answer(response) != expected:
        return f"answered {response.status_code}, the matrix says {expected}"
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html") and set(value) & set("<>\"'"):
        body = response.content.decode()
        if value in body and value not in baseline:
            return "the value comes back unescaped"
    return None


def unshown_errors(response, field: str) -> list[str]:
    """The filter form's messages for ``field`` that the page does not show."""
    if not (response.context and "filter" in response.context):
        return []
    errors = response.context["filter"].form.errors.get(field, [])
    body = response.content.decode()
    return [message for message in errors if escape(message) not in body]


def shown(params: dict) -> str:
    return ", ".join(f"{key}={value[:30]!r}" for key, value in params.items())


@pytest.mark.django_db
@pytest.mark.parametrize("row", PAGES)
def test_hostile_query_parameters(world, sessions, row):
    url = url_of(row, world)
    actors = [actor for actor in ACTORS if row.expected[actor] == "200"]
    first = client_for(sessions, actors[0])
    baseline = first.get(url)
    drain(baseline)
    assert baseline.status_code == 200, f"GET {url} as {actors[0]}: {baseline.status_code}"
    page = GetForms(urlsplit(url).path)
    if baseline.get("Content-Type", "").startswith("text/html"):
        page.feed(baseline.content.decode())
    baseline_body = baseline.content.decode(errors="replace")
    everything = sorted(page.fields | FREE)

    failures = []

    def check(actor, client, params, value):
        response = get(client, url, params)
        found = problem(response, "200", value, baseline_body)
        if found:
            failures.append(f"GET {url} ({shown(params)}) as {actor}: {found}")
        return response

    # the first actor: each field of the page's forms alone, with each value; a value the filter
    # form refuses is reported at its field
    for field in sorted(page.fields | {"page"} if page.fields else ()):
        for value in HOSTILE.values():
            response = check(actors[0], first, {field: value}, value)
            if not isinstance(response, Exception) and unshown_errors(response, field):
                failures.append(
                    f"GET {url} ({shown({field: value})}) as {actors[0]}: the messages "
                    f"{unshown_errors(response, field)} are not shown"
                )
    # every actor: all the page's parameters and those the code reads, at once
    for actor in actors:
        client = first if actor == actors[0] else client_for(sessions, actor)
        for key, value in HOSTILE.items():
            if actor == actors[0] or key in SAMPLE:
                check(actor, client, dict.fromkeys(everything, value), value)
    # the Excel export of the rows the filters select
    if page.exports:
        for value in HOSTILE.values():
            params = {**dict.fromkeys(sorted(page.fields), value), "export": "xlsx"}
            response = get(first, url, params)
            found = problem(response, "200", value, baseline_body)
            if not found and not response["Content-Type"].startswith(XLSX):
                found = f"answered {response['Content-Type']}, not a workbook"
            if found:
                failures.append(f"GET {url} ({shown(params)}) as {actors[0]}: {found}")

    assert not failures, "\n".join(failures)


def test_every_filterset_checks_its_parameters():
    """The lists' filters derive from kejiju.filters.FilterSet, which bounds every parameter."""
    assert get_resolver().url_patterns  # imports every view, and with them their filters

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = project_apps()
    found = {
        f"{cls.__module__}.{cls.__qualname__}": issubclass(cls, FilterSet)
        for cls in subclasses(django_filters.FilterSet)
        if cls.__module__.split(".")[0] in ours
    }
    assert {"patents.filters.PatentFilter", "kejiju.views.AuditEventFilter"} <= set(found)
    loose = sorted(name for name, checked in found.items() if not checked)
    assert not loose, f"filters that do not derive from kejiju.filters.FilterSet: {loose}"


def test_the_corpus_reaches_the_list_pages():
    """The discovery finds the lists (so that an empty parametrisation cannot pass silently)."""
    names = {param.values[0].name for param in PAGES}
    assert {"patents:list", "experts:draw_list", "seismic:activity_list", "audit_log"} <= names
    assert {"page", "year"} <= FREE


# ---- what the user sees -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_invalid_year_is_shown_at_its_field_and_the_list_left_unfiltered(world, sessions):
    """/patents/?filed_year=0 answered a 500; the year is now refused at its field, and the
    page and its export list what they list without it."""
    staff = client_for(sessions, "staff")
    url = reverse("patents:list")
    unfiltered = staff.get(url)
    for year in ("0", "-1", "10000", "1.5", HOSTILE["huge"]):
        page = staff.get(url, {"filed_year": year})
        assert YEAR_RANGE_MESSAGE in page.content.decode() or "四位数的年份" in (
            page.content.decode()
        ), year
        assert list(page.context["page"].object_list) == list(
            unfiltered.context["page"].object_list
        )
        export = staff.get(url, {"filed_year": year, "export": "xlsx"})
        assert export["Content-Type"].startswith(XLSX), year
    page = staff.get(reverse("experts:draw_list"), {"year": "-1"})
    assert YEAR_RANGE_MESSAGE in page.content.decode()
    assert list(page.context["page"].object_list) == [world["draw"]]


# ---- a superuser without a role, whom every role check refuses -------------------------------

GET_ROWS = [
    pytest.param(row, id=row.name)
    for row in MATRIX
    if row.method == "GET" and "200" in row.expected.values()
]


@pytest.fixture(scope="module")
def root_session(world, django_db_blocker):
    with django_db_blocker.unblock():
        return session_key(make_account("", "hostile-root", is_superuser=True))


@pytest.mark.django_db
@pytest.mark.parametrize("row", GET_ROWS)
def test_a_superuser_without_a_role_never_gets_a_500(world, root_session, row):
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = root_session
    response = client.get(url_of(row, world))
    drain(response)
    assert response.status_code in (200, 302, 403, 404), (
        f"GET {url_of(row, world)} as a superuser: {response.status_code}"
    )


@pytest.mark.django_db
def test_a_superuser_without_a_role_is_told_so(world, root_session):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = root_session
    for name in ("enterprises:profile", "enterprise_home", "projects:my_projects", "audit_log"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert NO_ROLE_MESSAGE in response.content.decode(), name
