"""CSRF protection on every view that takes a POST.

The list of views is read from the URL configuration (a class-based view with post(), a function
that reads request.POST or compares request.method, or one wrapped in require_POST), so a new
state-changing view is covered as soon as it is routed. Each is posted to without a token by an
actor the access matrix allows to act: the answer is the Chinese 「页面已过期」 403 and the database
is left as it was; the same POST with a token gets the answer the matrix declares. No view is
exempt from the check.
"""

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from tests import access_world
from tests.access_matrix import ACTORS, MATRIX, REFUSALS
from tests.access_world import (
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

# Views allowed to take a POST without a token, each with the reason. None.
CSRF_EXEMPT: dict[str, str] = {}

ROWS = {(row.name, row.method): row for row in MATRIX}
GET_ONLY_405 = {
    row.name for row in MATRIX if row.method == "GET" and "405" in row.expected.values()
}
POST_VIEWS = sorted(
    name
    for name, _, pattern in portal_patterns()
    if takes_post(pattern.callback) or name in GET_ONLY_405
)
TOKEN = "k" * 32  # a CSRF secret of the right length, set as the cookie and sent in the form
EXPIRED_PAGE = "页面已过期"


def test_the_csrf_middleware_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_there_are_views_that_take_a_post():
    assert {"enterprises:application_submit", "projects:detail", "reports:target_create"} <= set(
        POST_VIEWS
    )


def test_no_view_is_exempt_from_the_csrf_check():
    exempt = [
        name or route
        for name, route, pattern in portal_patterns() + admin_patterns()
        if getattr(pattern.callback, "csrf_exempt", False) and name not in CSRF_EXEMPT
    ]
    assert not exempt, f"views marked csrf_exempt: {exempt}"


def acting(row) -> str:
    """The first actor the matrix lets through on this POST; for a POST that every actor leaves
    on the login page (the logout), a logged-in one."""
    allowed = [actor for actor in ACTORS if row.expected[actor] not in REFUSALS]
    return allowed[0] if allowed else "staff"


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_VIEWS)
def test_a_post_without_a_token_is_refused(world, sessions, name):
    row = ROWS.get((name, "POST"))
    assert row is not None, f"{name} takes a POST but has no POST row in tests/access_matrix.py"
    actor = acting(row)
    url = url_of(row, world)
    client = client_for(sessions, actor, enforce_csrf_checks=True)
    before = fingerprint()

    response = client.post(url, row.payload)
    assert response.status_code == 403, f"POST {url} as {actor}: {response.status_code}"
    assert EXPIRED_PAGE in response.content.decode(), f"POST {url}: not the CSRF failure page"
    assert fingerprint() == before, f"POST {url} without a token changed the database"

    if row.expected[actor] != "-":  # with the token, the view answers as the matrix says
        client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
        response = client.post(url, {**row.payload, "csrfmiddlewaretoken": TOKEN})
        drain(response)
        assert answer(response) == row.expected[actor], f"POST {url} as {actor} with a token"


REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.fixture(scope="module")
def superuser_session(world, django_db_blocker):
    with django_db_blocker.unblock():
        return session_key(make_account("admin", "csrf-root", is_superuser=True))


@pytest.mark.django_db
def test_the_admin_login_needs_a_token(world):
    response = client_for({}, "anon", enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 403 and EXPIRED_PAGE in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_the_admin_add_pages_need_a_token(superuser_session, app, model):
    client = client_for({"root": superuser_session}, "root", enforce_csrf_checks=True)
    before = fingerprint()
    response = client.post(reverse(f"admin:{app}_{model}_add"), {})
    assert response.status_code == 403 and EXPIRED_PAGE in response.content.decode()
    assert fingerprint() == before
