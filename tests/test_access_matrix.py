"""The access-control matrix (tests/access_matrix.py) against the URL configuration.

Every URL pattern must have a row, every row must name a URL that exists, and each actor must get
the answer its row declares: a page, the login page, 403, 404 or 405, never another enterprise's
records or a 500. A refused POST must leave the database as it was. Every line is run a second
time with the actor made a superuser, with the same answer expected (三员分立: the role decides,
never the superuser flag), and every role-guarded view refuses a superuser without a role. The
admin site, with its hundreds of generated patterns, is checked by one rule: anyone whose role
does not enter it is sent to the admin login from every one of its URLs; the registered models'
pages open to the role that owns them (the lockout records to the security administrator, the
rest to the system administrator) and to nobody else, superuser or not.
"""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from kejiju.models import User
from kejiju.permissions import NO_ROLE_MESSAGE, SECURITY_APPS
from tests import access_world
from tests.access_matrix import ACTORS, MATRIX, REFUSALS
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
    check_answer(world, sessions, row, actor)


# Every logged-in actor with a role, and ``root``, the superuser without one.
ROLE_ACTORS = tuple(actor for actor in ACTORS if actor not in ("anon", "root"))
FLAGGED_CASES = [
    pytest.param(row, actor, id=f"{row.name}-{row.method}-{actor}")
    for row in MATRIX
    for actor, expected in row.expected.items()
    if expected != "-" and actor in ROLE_ACTORS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), FLAGGED_CASES)
def test_the_superuser_flag_changes_no_answer(world, sessions, row, actor):
    """Each actor made a superuser (and staff, as createsuperuser would) gets exactly the answer
    of its role: the flags give nothing (the change is rolled back with the test)."""
    User.objects.filter(pk=world["actors"][actor].pk).update(is_superuser=True, is_staff=True)
    check_answer(world, sessions, row, actor, flagged=True)


def role_guarded(row) -> bool:
    """A view that refuses some role (403) to a logged-in user."""
    return any(row.expected[actor] == "403" for actor in ROLE_ACTORS)


# Generated from the URL configuration: a new view is covered as soon as it has its lines.
GUARDED = [
    pytest.param(ROWS[name, method], id=f"{name}-{method}")
    for name, _, _ in PORTAL
    for method in ("GET", "POST")
    if (name, method) in ROWS and role_guarded(ROWS[name, method])
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", GUARDED)
def test_every_role_guarded_view_refuses_a_superuser_without_a_role(world, sessions, row):
    """A superuser without a role (createsuperuser's account) gets the 403 page saying the
    account has no role, from every view that some role is refused."""
    client = client_for(sessions, "root")
    url = url_of(row, world)
    before = fingerprint()
    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, {"csrfmiddlewaretoken": "k" * 32, **row.payload})
    drain(response)
    assert response.status_code == 403, f"{row.method} {url} as root: {response.status_code}"
    assert NO_ROLE_MESSAGE in response.content.decode(), f"{row.method} {url}: no message"
    assert fingerprint() == before


def check_answer(world, sessions, row, actor, *, flagged=False) -> None:
    client = client_for(sessions, actor)
    url = url_of(row, world)
    expected = row.expected[actor]
    who = f"{actor} (superuser)" if flagged else actor
    if row.method == "GET":
        response = client.get(url)
    else:
        before = fingerprint()
        # as a browser posts a form: with its token field, so that ``request.POST`` is never empty
        response = client.post(url, {"csrfmiddlewaretoken": "k" * 32, **row.payload})
    drain(response)
    assert answer(response) == expected, (
        f"{row.method} {url} as {who}: {response.status_code} "
        f"{response.get('Location', '')}, the matrix says {expected}"
    )
    if row.method == "POST" and expected in REFUSALS:
        assert fingerprint() == before, f"refused POST {url} as {who} changed the database"


# ---- the admin site: one rule for all its patterns ---------------------------------------------


def admin_url(route: str) -> str:
    """A URL that the admin pattern ``route`` matches, with placeholder arguments."""
    path = route[len(ADMIN_PREFIX) :]
    path = re.sub(r"\(\?P<app_label>[^)]*\)", "kejiju", path)
    path = path.replace("(?P<url>.*)", "no-such-page/")
    path = re.sub(r"<[^>]+>", "1", path).lstrip("^").rstrip("$")
    return f"/{ADMIN_PREFIX}{path}"


# Whose role does not enter the admin site; each admin URL is tried anonymously and by one of the
# others in turn (the site decides by role alone, so every one of them meets about a fifth).
NOT_STAFF = ("leader", "auditor", "owner", "drawn", "root")
ADMIN_CASES = [
    pytest.param(route, NOT_STAFF[i % len(NOT_STAFF)], id=name or route)
    for i, (name, route, _) in enumerate(ADMIN)
    if name != "admin:login"
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "actor"), ADMIN_CASES)
def test_admin_sends_everyone_but_staff_to_its_login(world, sessions, route, actor):
    """Whatever the admin URL, whoever's role does not enter the admin site — a superuser without
    a role too — is sent to the admin login page (from the logout URL, to the admin index,
    which sends them on to the login)."""
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
def flagged_admin(world, django_db_blocker):
    """A system administrator who is also a superuser, and their session key."""
    with django_db_blocker.unblock():
        user = make_account("admin", "matrix-root-admin", is_superuser=True)
        return user, session_key(user)


def session_client(key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


@pytest.mark.django_db
def test_admin_index_opens_to_the_roles_that_use_it(sessions, flagged_admin):
    for key in (sessions["staff"], sessions["admin"], sessions["security"], flagged_admin[1]):
        assert session_client(key).get(reverse("admin:index")).status_code == 200
    for actor in ("auditor", "root"):
        response = client_for(sessions, actor).get(reverse("admin:index"))
        assert response.status_code == 302, actor
        assert response["Location"].startswith(reverse("admin:login")), actor
    assert Client().get(reverse("admin:login")).status_code == 200


def owner_of(app: str) -> str:
    """The role whose work a model's admin pages are: the lockout records are the security
    administrator's, everything else the system administrator's."""
    return "security" if app in SECURITY_APPS else "admin"


@pytest.mark.django_db
@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_admin_model_pages(world, sessions, flagged_admin, app, model):
    """The owning role opens every registered model's list and add page (403 where the model
    admin allows no adding); the other administrator and staff without model permissions get
    403 on the list; a superuser who is system administrator gets what the role gets."""
    model_admin = admin.site._registry[apps.get_model(app, model)]
    owner = owner_of(app)
    user = world["actors"][owner]
    changelist = reverse(f"admin:{app}_{model}_changelist")
    add = reverse(f"admin:{app}_{model}_add")
    client = client_for(sessions, owner)
    assert client.get(changelist).status_code == 200, changelist
    request = RequestFactory().get(add)
    request.user = user
    can_add = model_admin.has_add_permission(request)
    assert client.get(add).status_code == (200 if can_add else 403), add
    others = ({"admin", "security"} - {owner}) | {"staff"}
    for actor in sorted(others):
        assert client_for(sessions, actor).get(changelist).status_code == 403, (changelist, actor)
    flagged = session_client(flagged_admin[1]).get(changelist)
    assert flagged.status_code == (200 if owner == "admin" else 403), (changelist, "flagged")


# ---- a returned application is the enterprise's to send back -----------------------------------


@pytest.mark.django_db
def test_only_the_enterprise_is_offered_the_resubmit_button(world, sessions):
    """Leaders and staff read a returned application; the page offers them no 「重新提交」,
    and their POST of it is refused (see the projects:detail POST row)."""
    url = reverse("projects:detail", args=[world["returned"].pk])
    button = 'value="resubmit"'
    assert button in client_for(sessions, "owner").get(url).content.decode()
    for actor in ("leader", "staff"):
        page = client_for(sessions, actor).get(url)
        assert page.status_code == 200 and button not in page.content.decode(), actor
