"""The shared import framework, through the patents layouts (the first app that declares any)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kejiju.choices import Role
from kejiju.imports import (
    SheetError,
    discover,
    escape_formula,
    get_layout,
    open_table,
    run_import,
)
from kejiju.imports.models import ImportJob
from kejiju.imports.services import create_job, rerun_job, run_job, start_job
from patents.models import Patent
from patents.tests.factories import make_patent, patent_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def test_layouts_are_discovered_by_name():
    layouts = discover()
    assert {"patents", "patent_disputes"} <= set(layouts)
    with pytest.raises(SheetError, match="没有名为「nope」的表格格式"):
        get_layout("nope")


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("普通", "普通"),
        (5, 5),
    ],
)
def test_formula_escaping(value, escaped):
    assert escape_formula(value) == escaped


def test_export_escapes_formula_cells():
    make_patent(1, title='=HYPERLINK("http://x")', applicants="@某公司")
    dataset = get_layout("patents")().export(Patent.objects.all())
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["专利名称"] == '\'=HYPERLINK("http://x")'
    assert row["申请人"] == "'@某公司"
    assert row["专利类型"] == "发明"


def test_unsupported_file_types(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(SheetError, match=r"旧版 Excel（\.xls.*已损坏"):
        open_table(tmp_path / "a.xls", "a.xls")
    with pytest.raises(SheetError, match="不支持的文件类型"):
        open_table(tmp_path / "a.xls", "a.pdf")
    with pytest.raises(SheetError, match="含宏"):
        open_table(tmp_path / "a.xls", "a.xlsm")


def test_gb18030_only_characters_survive(tmp_path):
    path = write_csv(tmp_path / "p.csv", [patent_row(1, 申请人="瑞安市䶮氏机械厂")], "gb18030")
    table = open_table(path, "p.csv")
    assert table.headers[0] == "申请号"
    assert list(table.rows)[0][1][3] == "瑞安市䶮氏机械厂"
    assert table.encoding == "gb18030"


def test_admin_template_download_and_import_preview(login, users, tmp_path):
    users[Role.ADMIN].is_superuser = True
    users[Role.ADMIN].save()
    client = login(users[Role.ADMIN])
    changelist = client.get(reverse("admin:patents_patent_changelist")).content.decode()
    assert "下载导入模板" in changelist and reverse("admin:patents_patent_import") in changelist
    response = client.get(reverse("admin:patents_patent_import_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:4] == ["申请号*", "专利名称*", "专利类型", "申请人*"]

    bad = write_xlsx(tmp_path / "bad.xlsx", [patent_row(1), patent_row(2, 申请号="201410123456.8")])
    response = client.post(
        reverse("admin:patents_patent_import"),
        {"resource": 0, "format": 0, "import_file": bad.open("rb")},
    )
    assert response.status_code == 200
    assert "应为 7" in response.content.decode()
    assert not Patent.objects.exists()

    good = write_xlsx(tmp_path / "good.xlsx", [patent_row(1), patent_row(2)])
    response = client.post(
        reverse("admin:patents_patent_import"),
        {"resource": 0, "format": 0, "import_file": good.open("rb")},
    )
    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert not Patent.objects.exists()  # preview only
    confirm = response.context["confirm_form"].initial
    response = client.post(reverse("admin:patents_patent_process_import"), confirm)
    assert response.status_code == 302
    assert Patent.objects.count() == 2


def test_admin_import_reads_gb18030_csv(login, users, tmp_path):
    users[Role.ADMIN].is_superuser = True
    users[Role.ADMIN].save()
    client = login(users[Role.ADMIN])
    path = write_csv(tmp_path / "p.csv", [patent_row(1, 专利名称="一种镕铸装置")], "gb18030")
    response = client.post(
        reverse("admin:patents_patent_import"),
        {"resource": 0, "format": 0, "import_file": path.open("rb")},
    )
    assert response.status_code == 200
    assert "一种镕铸装置" in response.content.decode()
    response = client.post(
        reverse("admin:patents_patent_process_import"), response.context["confirm_form"].initial
    )
    assert Patent.objects.get().title == "一种镕铸装置"


def _upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_small_job_runs_inline_and_records_its_outcome(users, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [patent_row(i) for i in range(1, 11)])
    job = create_job(layout="patents", upload=_upload(path), user=users[Role.STAFF])
    job = start_job(job)
    assert job.state == ImportJob.State.SUCCEEDED
    assert (job.total, job.done, job.created_rows, job.percent) == (10, 10, 10, 100)
    assert Patent.objects.count() == 10
    assert Patent.history.filter(history_user=users[Role.STAFF]).count() == 10


def test_failed_job_keeps_the_error_report(users, tmp_path):
    rows = [patent_row(1), patent_row(2, 申请日="2023-02-30")]
    job = create_job(
        layout="patents", upload=_upload(write_xlsx(tmp_path / "p.xlsx", rows)), user=None
    )
    job = run_job(job.pk)
    assert job.state == ImportJob.State.FAILED
    assert job.error_texts == [
        "第 3 行，列「申请日」：无法识别的日期「2023-02-30」，请写成 2023-05-01、2023/5/1 或 2023年5月1日"
    ]
    assert not Patent.objects.exists()


def test_large_job_goes_through_the_task_queue(users, tmp_path, monkeypatch):
    from kejiju.imports import services

    submitted = []
    monkeypatch.setattr(
        "kejiju.queue.submit", lambda task, *args: submitted.append(args) or task.apply(args=args)
    )
    path = write_xlsx(
        tmp_path / "p.xlsx", [patent_row(i) for i in range(1, services.INLINE_LIMIT + 2)]
    )
    job = start_job(create_job(layout="patents", upload=_upload(path), user=users[Role.STAFF]))
    assert submitted == [(job.pk,)]
    assert job.state == ImportJob.State.SUCCEEDED
    assert Patent.objects.count() == services.INLINE_LIMIT + 1


def test_stale_running_job_can_be_run_again(users, tmp_path):
    from django.utils import timezone

    path = write_xlsx(tmp_path / "p.xlsx", [patent_row(1)])
    job = create_job(layout="patents", upload=_upload(path), user=users[Role.STAFF])
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING, heartbeat_at=timezone.now() - timezone.timedelta(hours=1)
    )
    job.refresh_from_db()
    assert job.stale and job.can_rerun
    job = rerun_job(job)
    assert job.state == ImportJob.State.SUCCEEDED and job.attempts == 1
    assert Patent.objects.count() == 1


def test_fake_xlsx_upload_fails_the_job_with_a_clear_message(users, tmp_path):
    fake = tmp_path / "p.xlsx"
    fake.write_bytes(b"%PDF-1.4 not a workbook")
    job = create_job(layout="patents", upload=_upload(fake), user=users[Role.STAFF])
    job = run_job(job.pk)
    assert job.state == ImportJob.State.FAILED
    assert "不是 Excel 工作簿" in job.message


def test_excel_style_workbook_with_shared_strings_and_date_cells(tmp_path):
    """Workbooks as Excel saves them (shared strings, styles, a recorded size) read the same
    values as openpyxl reads; blank rows inside the table are skipped and said."""
    import datetime as dt

    from openpyxl import Workbook, load_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["申请号", "专利名称", "申请人", "申请日", "备注"])
    sheet.append(["201410123456.7", "一种装置", "甲公司", dt.datetime(2023, 5, 1), 12])
    sheet.append([None, None, None, None, None])
    sheet.append(["95115608.X", "另一种装置", "甲公司", "2023年5月2日", 1.5])
    sheet["D4"].number_format = "@"
    sheet["F4"] = "=1+1"
    path = tmp_path / "excel.xlsx"
    workbook.save(path)

    table = open_table(path, "excel.xlsx")
    ours = list(table.rows)
    assert [number for number, _ in ours] == [2, 4]
    assert table.skipped == [(3, "空行")]
    assert ours[0][1][:5] == ["201410123456.7", "一种装置", "甲公司", dt.date(2023, 5, 1), 12]
    reference = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    expected = [r for r in reference.iter_rows(min_row=2, values_only=True) if any(r)]
    assert [[v for v in r if v != ""] for _, r in ours] == [
        [v.date() if isinstance(v, dt.datetime) else v for v in r if v is not None]
        for r in expected
    ]


def test_unreadable_workbook_is_refused_with_its_cause(tmp_path):
    import zipfile

    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(SheetError, match="无法读取该文件"):
        open_table(path, "broken.xlsx")


def test_cells_left_empty_keep_their_columns(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["申请号", "专利名称", "专利类型", "申请人"])
    sheet["A2"] = "201410123456.7"
    sheet["D2"] = "甲公司"
    sheet["AB3"] = "远处"
    path = tmp_path / "gaps.xlsx"
    workbook.save(path)
    rows = list(open_table(path, "gaps.xlsx").rows)
    assert rows[0][0] == 2 and rows[0][1][:4] == ["201410123456.7", "", "", "甲公司"]
    assert rows[1][1][27] == "远处" and rows[1][1][:27] == [""] * 27


def test_admin_import_needs_model_permissions(login, users):
    response = login(users[Role.STAFF]).get(reverse("admin:patents_patent_import"))
    assert response.status_code == 403


def test_a_large_import_gives_sqlite_its_page_cache_back(tmp_path):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
    path = write_xlsx(tmp_path / "p.xlsx", [patent_row(i) for i in range(1, 6)])
    report = run_import("patents", path, "p.xlsx")
    assert report.created == 5 and Patent.history.count() == 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
