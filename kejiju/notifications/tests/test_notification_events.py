"""The events already mailed (an application returned, a project step) reach the 消息中心 too."""

import pytest
from django.core import mail
from django.urls import reverse

from kejiju.choices import Role
from kejiju.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_returned_application_is_in_the_centre_and_mailed(
    users, enterprise, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    from enterprises import services
    from tests.access_world import hnte_applications

    settings.MEDIA_ROOT = tmp_path
    clerk, staff = users[Role.ENTERPRISE], users[Role.STAFF]
    clerk.email = "clerk@example.com"
    clerk.save()
    enterprise.email = "office@example.com"
    enterprise.save()
    _, _, submitted = hnte_applications(enterprise=enterprise, by=clerk)
    mail.outbox.clear()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_for_revision(submitted, by=staff, comment="请补充审计报告。")
    n = Notification.objects.get(recipient=clerk)
    assert n.kind == "enterprises.application_step" and n.about == submitted
    assert "退回修改" in n.text and "请补充审计报告" in n.text
    assert n.link == reverse("enterprises:application_detail", args=[submitted.pk])
    assert sorted(m.to[0] for m in mail.outbox) == ["clerk@example.com", "office@example.com"]
    assert not Notification.objects.exclude(recipient=clerk).exists()
    page = login(clerk).get(reverse("notifications:centre")).content.decode()
    assert "认定申报办理进展" in page and "请补充审计报告" in page


def test_a_project_step_is_in_the_centre(users, enterprise, settings, tmp_path):
    from projects import services
    from tests.access_world import open_call

    settings.MEDIA_ROOT = tmp_path
    clerk = users[Role.ENTERPRISE]
    call = open_call(title="事件测试项目申报", by=users[Role.STAFF])
    project = services.file_application(
        call=call,
        enterprise=enterprise,
        name="事件测试项目",
        summary="简介",
        budget=services.Budget(total=50, self_raised=30, requested=20),
        by=clerk,
    )
    n = Notification.objects.get(recipient=clerk, kind="projects.project_step")
    assert n.about == project and "申报已提交" in n.text
    assert n.link == reverse("projects:detail", args=[project.pk])
