"""Every enterprise-facing URL, for an anonymous visitor, another enterprise, staff and the
owner: another enterprise's records answer 404, never their data."""

import pytest
from django.urls import reverse

from enterprises import services
from enterprises.tests.factories import hnte_post, pdf
from kejiju.uploads import inspect

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(make_user, enterprise, other_enterprise):
    from enterprises.forms import HNTEForm

    owner = make_user("enterprise", "owner", enterprise=enterprise)
    stranger = make_user("enterprise", "stranger", enterprise=other_enterprise)
    staff = make_user("staff", "clerk")
    form = HNTEForm(hnte_post())
    assert form.is_valid(), form.errors

    def application():
        return services.save_application(
            enterprise=enterprise,
            kind="hnte",
            year=2024,
            figures=form.figures(),
            recognition="first",
            by=owner,
        )

    draft = application()
    upload = pdf()
    upload.inspected = inspect(upload)
    attachment = services.add_attachment(draft, file=upload, description="营业执照", by=owner)
    submitted = application()
    services.submit(submitted, by=owner)
    return {
        "owner": owner,
        "stranger": stranger,
        "staff": staff,
        "draft": draft,
        "submitted": submitted,
        "attachment": attachment,
        "enterprise": enterprise,
    }


# (method, url name, object, expected status for owner, for staff)
CASES = [
    ("get", "application_detail", "draft", 200, 200),
    ("get", "application_edit", "draft", 200, 403),
    ("post", "application_edit", "draft", 200, 403),  # empty form: errors shown
    ("get", "application_pdf", "draft", 200, 200),
    ("get", "attachment_download", "attachment", 200, 200),
    ("post", "attachment_add", "draft", 400, 403),
    ("post", "attachment_delete", "attachment", 302, 403),
    ("post", "application_submit", "draft", 302, 403),
    ("post", "application_withdraw", "submitted", 302, 403),
    ("post", "application_review", "submitted", 403, 302),
    ("post", "application_override", "submitted", 403, 302),
    ("post", "application_scores", "submitted", 403, 302),
    ("get", "detail", "enterprise", 403, 200),
    ("get", "edit", "enterprise", 403, 200),
    ("post", "invite", "enterprise", 403, 302),
]


def url_of(world, name, key):
    return reverse(f"enterprises:{name}", args=[world[key].pk])


@pytest.mark.parametrize("method, name, key, owner_status, staff_status", CASES)
def test_access_matrix(client, world, method, name, key, owner_status, staff_status):
    url = url_of(world, name, key)
    do = getattr(client, method)

    response = do(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(world["stranger"])
    expected_stranger = 403 if owner_status == 403 else 404
    assert do(url).status_code == expected_stranger

    client.force_login(world["staff"])
    assert do(url).status_code == staff_status

    client.force_login(world["owner"])
    assert do(url).status_code == owner_status


@pytest.mark.parametrize(
    "name, owner_status, staff_status",
    [
        ("profile", 200, 403),
        ("my_applications", 200, 403),
        ("review_queue", 403, 200),
        ("account_requests", 403, 200),
        ("list", 403, 200),
    ],
)
def test_pages_without_an_object(client, world, name, owner_status, staff_status):
    url = reverse(f"enterprises:{name}")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world["owner"])
    assert client.get(url).status_code == owner_status
    client.force_login(world["staff"])
    assert client.get(url).status_code == staff_status


def test_other_enterprise_sees_none_of_the_owners_data_in_its_lists(client, world):
    client.force_login(world["stranger"])
    body = client.get(reverse("enterprises:my_applications")).content.decode()
    assert world["enterprise"].name not in body
    body = client.get(reverse("enterprises:profile")).content.decode()
    assert world["enterprise"].credit_code not in body


def test_stranger_cannot_upload_to_or_submit_anothers_application(client, world):
    client.force_login(world["stranger"])
    draft = world["draft"]
    response = client.post(
        reverse("enterprises:attachment_add", args=[draft.pk]), {"description": "x", "file": pdf()}
    )
    assert response.status_code == 404
    assert draft.attachments.count() == 1
    client.post(reverse("enterprises:application_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_register_page_is_public(client):
    assert client.get(reverse("enterprises:register")).status_code == 200


def test_live_precheck_is_for_enterprise_users(client, world):
    url = reverse("enterprises:precheck_live", args=["hnte"])
    response = client.post(url, hnte_post())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world["staff"])
    assert client.post(url, hnte_post()).status_code == 403
    client.force_login(world["owner"])
    assert client.post(url, hnte_post()).status_code == 200
    assert client.post(reverse("enterprises:precheck_live", args=["nonsense"])).status_code == 404
