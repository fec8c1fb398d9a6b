"""On-site inspection (实地考察): at the stages it belongs to, by bureau staff and the project's
drawn experts, photos checked as images, the conclusion in the project's timeline and a
不属实 conclusion pointing at the integrity record."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enterprises.tests.factories import PDF_BYTES
from projects import services, task_books
from projects.models import InspectionPhoto, ProjectInspection

from .conftest import close_call, score

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def jpeg(name="现场.jpg"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), "green").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def shortlisted(call, staff, reviewers, file_app, to_review):
    """Expert review done and closed: the application may be inspected before approval."""
    project = to_review(file_app())
    score(project, (80, 90), reviewers)
    close_call(call)
    services.close_review(call=call, by=staff)
    project.refresh_from_db()
    return project


def record(project, user, **overrides):
    values = {
        "project": project,
        "occasion": "shortlist",
        "inspected_on": TODAY,
        "staff": [user],
        "experts": [],
        "checked": "核对生产场地、研发设备清单与申报书一致性",
        "findings": "场地与设备与申报一致，研发人员 12 人在岗",
        "conclusion": "true",
        "photos": [],
        "by": user,
    }
    values.update(overrides)
    return task_books.record_inspection(**values)


def test_project_inspection_recorded_with_photo_and_in_the_timeline(shortlisted, staff):
    expert = shortlisted.draw.members.first().expert
    inspection = record(shortlisted, staff, experts=[expert], photos=[jpeg()])
    assert list(inspection.staff.all()) == [staff]
    assert list(inspection.experts.all()) == [expert]
    photo = inspection.photos.get()
    assert photo.content_type == "image/jpeg" and len(photo.sha256) == 64
    event = shortlisted.events.get(action__startswith="实地考察")
    assert "属实" in event.action and staff.username in event.note
    assert inspection.history.exists()


def test_project_inspection_photo_that_is_not_an_image_is_refused(shortlisted, staff):
    fake = SimpleUploadedFile("现场.jpg", PDF_BYTES, content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        record(shortlisted, staff, photos=[fake])
    assert "照片「现场.jpg」" in exc.value.message_dict["photos"][0]
    assert not ProjectInspection.objects.exists() and not InspectionPhoto.objects.exists()
    assert not shortlisted.events.filter(action__startswith="实地考察").exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"occasion": "midterm"}, "occasion"),
        ({"staff": []}, "staff"),
        ({"checked": " "}, "checked"),
        ({"conclusion": "maybe"}, "conclusion"),
        ({"inspected_on": TODAY + dt.timedelta(days=1)}, "inspected_on"),
    ],
)
def test_project_inspection_refusals_at_the_field(shortlisted, staff, overrides, field):
    with pytest.raises(ValidationError) as exc:
        record(shortlisted, staff, **overrides)
    assert field in exc.value.message_dict
    assert not ProjectInspection.objects.exists()


def test_project_inspection_experts_must_be_drawn_and_inspectors_staff(
    shortlisted, staff, applicant
):
    from experts.models import Expert

    outsider = Expert.objects.create(name="局外专家", employer="某大学", mobile="13900009999")
    with pytest.raises(ValidationError) as exc:
        record(shortlisted, staff, experts=[outsider])
    assert "experts" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        record(shortlisted, staff, staff=[applicant])
    assert "staff" in exc.value.message_dict


def test_project_inspection_before_review_closes_is_refused(call, staff, file_app, to_review):
    project = to_review(file_app())
    with pytest.raises(ValidationError, match="专家评审结束"):
        record(project, staff)


def test_project_inspection_pages_untrue_offers_integrity_record(
    client, shortlisted, staff, applicant
):
    client.force_login(staff)
    url = reverse("projects:inspection_add", args=[shortlisted.pk])
    assert client.get(url).status_code == 200
    data = {
        "occasion": "shortlist",
        "inspected_on": str(TODAY),
        "staff": [staff.pk],
        "checked": "核对研发场地",
        "findings": "申报的研发中心实为仓库",
        "conclusion": "untrue",
    }
    bad = SimpleUploadedFile("site.png", b"<html>not an image</html>", content_type="image/png")
    response = client.post(url, {**data, "photos": [bad]})
    assert response.status_code == 200
    assert "只接受 JPEG、PNG" in response.content.decode()
    assert not ProjectInspection.objects.exists()
    response = client.post(url, {**data, "photos": [jpeg("a.jpg"), jpeg("b.jpg")]})
    assert response.status_code == 302
    inspection = ProjectInspection.objects.get()
    assert inspection.photos.count() == 2
    page = client.get(reverse("projects:inspections", args=[shortlisted.pk])).content.decode()
    assert "不属实" in page and 'data-testid="integrity-hook"' in page
    # the hook opens the 科研诚信 ledger's form with the enterprise filled in
    integrity_form = reverse("screening:integrity_add") + f"?enterprise={shortlisted.enterprise_id}"
    assert f'href="{integrity_form}"' in page
    assert client.get(integrity_form).status_code == 200
    photo = inspection.photos.first()
    photo_url = reverse("projects:inspection_photo", args=[shortlisted.pk, photo.pk])
    assert client.get(photo_url).status_code == 200
    # the enterprise reads neither the inspection nor its photos
    client.force_login(applicant)
    assert client.get(url).status_code == 403
    assert client.get(photo_url).status_code == 403
