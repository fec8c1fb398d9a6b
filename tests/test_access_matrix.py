"""The access-control matrix (tests/access_matrix.py) against the URL configuration.

Every URL pattern must have a row, every row must name a URL that exists, and each actor must get
the answer its row declares: a page, the login page, 403, 404 or 405, never another enterprise's
records or a 500. A refused POST must leave the database as it was. The admin site, with its
hundreds of generated patterns, is checked by one rule: anyone who is not staff is sent to the
admin login from every one of its URLs, and the registered models' pages open to a superuser.
"""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from tests import access_world
from tests.access_matrix import MATRIX, REFUSALS
from tests.access_world import (
    ADMIN_PREFIX,
    admin_patterns,
    answer,
    client_for,
    drain,
    fingerprint,
    make_account,
    portal_patterns,
    session_key,
    takes_post,
    url_of,
)

world = access_world.world
sessions = access_world.sessions

PORTAL = portal_patterns()
ADMIN = admin_patterns()
ROWS = {(row.name, row.method): row for row in MATRIX}


# ---- the matrix covers the URL configuration, and only it ----------------------------------


def test_every_url_has_a_get_row():
    missing = [name or route for name, route, _ in PORTAL if (name, "GET") not in ROWS]
    assert not missing, f"URLs without a row in tests/access_matrix.py: {missing}"


def test_every_view_that_takes_a_post_has_a_post_row():
    missing = [
        name
        for name, _, pattern in PORTAL
        if (takes_post(pattern.callback) or "405" in ROWS[name, "GET"].expected.values())
        and (name, "POST") not in ROWS
    ]
    assert not missing, f"views that take a POST without a POST row: {missing}"


def test_every_row_names_a_url_that_exists():
    names = {name for name, _, _ in PORTAL}
    stale = sorted({row.name for row in MATRIX} - names)
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    assert len(ROWS) == len(MATRIX), "a URL name and method appear twice in the matrix"


def test_each_row_fills_exactly_the_arguments_of_its_url():
    patterns = {name: pattern for name, _, pattern in PORTAL}
    for row in MATRIX:
        assert set(row.kwargs) == set(patterns[row.name].pattern.converters), row


# ---- every actor's answer --------------------------------------------------------------------


CASES = [
    pytest.param(row, actor, id=f"{row.name}-{row.method}-{actor}")
    for row in MATRIX
    for actor, expected in row.expected.items()
    if expected != "-"
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), CASES)
def test_access(world, sessions, row, actor):
    client = client_for(sessions, actor)
    url = url_of(row, world)
    expected = row.expected[actor]
    if row.method == "GET":
        response = client.get(url)
    else:
        before = fingerprint()
        # as a browser posts a form: with its token field, so that ``request.POST`` is never empty
        response = client.post(url, {"csrfmiddlewaretoken": "k" * 32, **row.payload})
    drain(response)
    assert answer(response) == expected, (
        f"{row.method} {url} as {actor}: {response.status_code} "
        f"{response.get('Location', '')}, the matrix says {expected}"
    )
    if row.method == "POST" and expected in REFUSALS:
        assert fingerprint() == before, f"refused POST {url} as {actor} changed the database"


# ---- the admin site: one rule for all its patterns ---------------------------------------------


def admin_url(route: str) -> str:
    """A URL that the admin pattern ``route`` matches, with placeholder arguments."""
    path = route[len(ADMIN_PREFIX) :]
    path = re.sub(r"\(\?P<app_label>[^)]*\)", "kejiju", path)
    path = path.replace("(?P<url>.*)", "no-such-page/")
    path = re.sub(r"<[^>]+>", "1", path).lstrip("^").rstrip("$")
    return f"/{ADMIN_PREFIX}{path}"


# Who is not bureau staff; each admin URL is tried anonymously and by one of the others in turn
# (the admin site decides by one flag, is_staff, so every role meets about a quarter of them).
NOT_STAFF = ("leader", "auditor", "owner", "drawn")
ADMIN_CASES = [
    pytest.param(route, NOT_STAFF[i % len(NOT_STAFF)], id=name or route)
    for i, (name, route, _) in enumerate(ADMIN)
    if name != "admin:login"
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "actor"), ADMIN_CASES)
def test_admin_sends_everyone_but_staff_to_its_login(world, sessions, route, actor):
    """Whatever the admin URL, whoever is not bureau staff is sent to the admin login page
    (from the logout URL, to the admin index, which sends them on to the login)."""
    url = admin_url(route)
    target = reverse("admin:index" if url == reverse("admin:logout") else "admin:login")
    for who in ("anon", actor):
        response = client_for(sessions, who).get(url)
        assert response.status_code == 302, f"GET {url} as {who}: {response.status_code}"
        assert response["Location"].startswith(target), (
            f"GET {url} as {who}: {response['Location']}"
        )


REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.fixture(scope="module")
def superuser(world, django_db_blocker):
    """A superuser and their session key."""
    with django_db_blocker.unblock():
        user = make_account("admin", "matrix-root", is_superuser=True)
        return user, session_key(user)


@pytest.mark.django_db
def test_admin_index_opens_to_staff_and_superusers(sessions, superuser):
    for key in (sessions["staff"], sessions["admin"], superuser[1]):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        assert client.get(reverse("admin:index")).status_code == 200
    assert Client().get(reverse("admin:login")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_admin_model_pages(sessions, superuser, app, model):
    """A superuser opens every registered model's list and add page (403 where the model admin
    allows no adding); staff without model permissions get 403 on the list."""
    model_admin = admin.site._registry[apps.get_model(app, model)]
    user, key = superuser
    root = Client()
    root.cookies[settings.SESSION_COOKIE_NAME] = key
    changelist = reverse(f"admin:{app}_{model}_changelist")
    add = reverse(f"admin:{app}_{model}_add")
    assert root.get(changelist).status_code == 200, changelist
    request = RequestFactory().get(add)
    request.user = user
    can_add = model_admin.has_add_permission(request)
    assert root.get(add).status_code == (200 if can_add else 403), add
    for actor in ("staff", "admin"):
        client = client_for(sessions, actor)
        assert client.get(changelist).status_code == 403, (changelist, actor)


# ---- a returned application is the enterprise's to send back -----------------------------------


@pytest.mark.django_db
def test_only_the_enterprise_is_offered_the_resubmit_button(world, sessions):
    """Leaders and auditors read a returned application; the page offers them no 「重新提交」,
    and their POST of it is refused (see the projects:detail POST row)."""
    url = reverse("projects:detail", args=[world["returned"].pk])
    button = 'value="resubmit"'
    assert button in client_for(sessions, "owner").get(url).content.decode()
    for actor in ("leader", "auditor", "staff"):
        page = client_for(sessions, actor).get(url)
        assert page.status_code == 200 and button not in page.content.decode(), actor
