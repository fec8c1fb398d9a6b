import pytest
from django.urls import reverse

from kejiju.choices import Role
from kejiju.imports.models import ImportJob
from patents.models import Patent
from patents.tests.factories import patent_row, write_xlsx

pytestmark = pytest.mark.django_db


def test_upload_page_renders_for_staff_only(login, users):
    assert login(users[Role.STAFF]).get(reverse("imports:upload")).status_code == 200
    assert login(users[Role.ENTERPRISE]).get(reverse("imports:upload")).status_code == 403


def test_template_download(login, users):
    response = login(users[Role.STAFF]).get(reverse("imports:template", args=["patents"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_small_upload_is_checked_then_confirmed(login, users, tmp_path):
    client = login(users[Role.STAFF])
    path = write_xlsx(tmp_path / "p.xlsx", [patent_row(1), patent_row(2)])
    response = client.post(
        reverse("imports:upload"), {"layout": "patents", "file": path.open("rb")}
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.dry_run and job.state == "succeeded" and job.created_rows == 2
    assert not Patent.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "确认导入" in page and patent_row(1)["申请号"] in page
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.dry_run, job.state) == (False, "succeeded")
    assert Patent.objects.count() == 2


def test_errors_are_shown_per_row_and_column(login, users, tmp_path):
    client = login(users[Role.STAFF])
    path = write_xlsx(tmp_path / "p.xlsx", [patent_row(1), patent_row(2, 申请号="201410123456.8")])
    response = client.post(
        reverse("imports:upload"), {"layout": "patents", "file": path.open("rb")}, follow=True
    )
    body = response.content.decode()
    assert "第 3 行" in body and "申请号" in body and "应为 7" in body
    assert "确认导入" not in body
    assert not Patent.objects.exists()


def test_fake_xlsx_is_refused_on_the_form(login, users, tmp_path):
    fake = tmp_path / "p.xlsx"
    fake.write_text("not a workbook")
    response = login(users[Role.STAFF]).post(
        reverse("imports:upload"), {"layout": "patents", "file": fake.open("rb")}
    )
    assert response.status_code == 200
    assert "不是 Excel 工作簿" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_progress_partial_polls_until_finished(login, users, tmp_path):
    from django.core.files.base import ContentFile

    job = ImportJob(
        layout="patents", original_name="p.xlsx", user=users[Role.STAFF], total=10, done=4
    )
    job.file.save("p.xlsx", ContentFile(b""), save=False)
    job.state = ImportJob.State.RUNNING
    job.save()
    client = login(users[Role.STAFF])
    body = client.get(reverse("imports:job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and "40%" in body
    ImportJob.objects.filter(pk=job.pk).update(state="succeeded")
    response = client.get(reverse("imports:job_progress", args=[job.pk]))
    assert "hx-trigger" not in response.content.decode()
    assert response["HX-Refresh"] == "true"


def test_rerun_of_a_failed_job(login, users, tmp_path):
    client = login(users[Role.STAFF])
    path = write_xlsx(tmp_path / "p.xlsx", [patent_row(1)])
    client.post(
        reverse("imports:upload"), {"layout": "patents", "file": path.open("rb"), "dry_run": "on"}
    )
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state="failed", dry_run=False)
    client.post(reverse("imports:job_rerun", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "succeeded" and job.attempts == 2
    assert Patent.objects.count() == 1
