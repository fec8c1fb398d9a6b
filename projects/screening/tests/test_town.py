"""Town recommendation (推荐单位): the town role, its reach, the letter, the gate before review."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from enterprises.models import Enterprise
from kejiju.choices import Role
from kejiju.codes import make_credit_code
from kejiju.models import User
from projects import services as project_services
from projects.models import ProjectDocument
from projects.screening import services
from projects.screening.models import TownRecommendation

from .conftest import file, make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_call(staff):
    return make_call(staff, title="须镇街推荐的重点项目", requires_town=True)


@pytest.fixture
def town_user(make_user, town):
    return make_user(Role.TOWN, username="town-own", town=town)


@pytest.fixture
def foreign_town_user(make_user, other_town):
    return make_user(Role.TOWN, username="town-other", town=other_town)


def test_town_recommendation_comes_before_formal_review(staff, applicant, town_call, town_user):
    project = file(town_call, applicant)
    with pytest.raises(ValidationError, match="镇街尚未出具推荐意见"):
        project_services.formal_review(project=project, passed=True, comment="", by=staff)
    services.recommend(
        project=project, decision="recommended", opinion="属实，同意推荐。", by=town_user
    )
    project_services.formal_review(project=project, passed=True, comment="材料齐全", by=staff)
    project.refresh_from_db()
    assert project.stage == "formal_passed"
    note = project.events.get(action="形式审查通过").note
    assert "镇街推荐：安阳街道 同意推荐" in note


def test_town_recommendation_declined_cannot_pass_formal_review(
    staff, applicant, town_call, town_user
):
    project = file(town_call, applicant)
    services.recommend(project=project, decision="declined", opinion="企业已迁出。", by=town_user)
    with pytest.raises(ValidationError, match="不予推荐"):
        project_services.formal_review(project=project, passed=True, comment="", by=staff)
    project_services.formal_review(project=project, passed=False, comment="镇街不推荐", by=staff)
    project.refresh_from_db()
    assert project.stage == "returned"


def test_town_recommendation_not_needed_when_the_call_does_not_ask(staff, applicant, call):
    project = file(call, applicant)
    project_services.formal_review(project=project, passed=True, comment="", by=staff)
    project.refresh_from_db()
    assert project.stage == "formal_passed"


def test_town_recommendation_letter_is_a_pdf_kept_with_the_application(
    staff, applicant, town_call, town_user, login
):
    project = file(town_call, applicant)
    page = login(town_user).post(
        reverse("screening:town_application", args=[project.pk]),
        {"decision": "recommended", "opinion": "该企业经营正常，同意推荐。"},
    )
    assert page.status_code == 302
    recommendation = TownRecommendation.objects.get(project=project)
    letter = ProjectDocument.objects.get(project=project, kind="镇街推荐函")
    assert (
        letter.content_type == "application/pdf" and letter.sha256 == recommendation.letter_sha256
    )
    download = login(town_user).get(reverse("screening:recommendation_letter", args=[project.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert (
        login(staff).get(reverse("screening:recommendation_letter", args=[project.pk])).status_code
        == 200
    )


def test_town_recommendation_another_towns_application_is_404(
    staff, applicant, town_call, foreign_town_user, town_user, login
):
    project = file(town_call, applicant)
    client = login(foreign_town_user)
    url = reverse("screening:town_application", args=[project.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "recommended", "opinion": "同意"}).status_code == 404
    letter = reverse("screening:recommendation_letter", args=[project.pk])
    assert client.get(letter).status_code == 404
    assert not TownRecommendation.objects.exists()
    with pytest.raises(ValidationError, match="本镇街"):
        services.recommend(
            project=project, decision="recommended", opinion="同意", by=foreign_town_user
        )
    assert project.number not in client.get(reverse("screening:town_home")).content.decode()
    assert project.number in login(town_user).get(reverse("screening:town_home")).content.decode()


def test_town_recommendation_needs_an_opinion_and_happens_once(
    applicant, town_call, town_user, login
):
    project = file(town_call, applicant)
    url = reverse("screening:town_application", args=[project.pk])
    page = login(town_user).post(url, {"decision": "recommended", "opinion": ""})
    assert page.status_code == 200 and "这个字段是必填项" in page.content.decode()
    assert not TownRecommendation.objects.exists()
    services.recommend(project=project, decision="declined", opinion="不推荐", by=town_user)
    with pytest.raises(ValidationError, match="已出具"):
        services.recommend(project=project, decision="recommended", opinion="改", by=town_user)


def test_town_recommendation_role_needs_a_town_and_sees_no_staff_page(make_user, town, login):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="no-town", role=Role.TOWN)
    user = make_user(Role.TOWN, username="town-x", town=town)
    client = login(user)
    assert client.get(reverse("home")).url == reverse("screening:town_home")
    for name in ("staff_home", "screening:integrity_list", "screening:duplicate_list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("projects:project_list")).status_code == 403


def test_town_recommendation_town_sees_only_its_enterprises(
    staff, applicant, town_call, town_user, other_town, make_user, login
):
    outsider = Enterprise.objects.create(
        credit_code=make_credit_code(9201), name="玉海某公司", town=other_town
    )
    outsider_user = make_user(Role.ENTERPRISE, username="outsider", enterprise=outsider)
    mine = file(town_call, applicant, name="电机控制器")
    theirs = file(town_call, outsider_user, name="激光切割设备")
    page = login(town_user).get(reverse("screening:town_home")).content.decode()
    assert mine.number in page and theirs.number not in page
