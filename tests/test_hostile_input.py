"""Hostile and malformed input (tests/hostile/corpus.py) through the real interfaces: the
browser import, ``manage.py import_sheet`` and the upload forms. Every case must be answered with
its Chinese message, no 500, and nothing written: the domain tables and the media directory are
as they were. Formula text that is valid data may be stored but leaves every export neutralised.
"""

import datetime as dt
import html
import io
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kejiju.choices import Role
from kejiju.imports import escape_formula, get_layout, run_import
from kejiju.imports.exporting import export_response
from kejiju.imports.models import ImportJob
from kejiju.imports.widgets import TextWidget
from tests.hostile import corpus
from tests.hostile.corpus import FORMULAS, SHEETS, UPLOADS

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("enterprises", "experts", "patents", "projects", "seismic", "reports")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def specialty(db):
    from experts.models import Specialty

    return Specialty.objects.create(name="机械制造")


def domain_counts() -> dict[str, int]:
    """Rows of every table of the domain apps, their change history included."""
    return {
        model._meta.label: model._default_manager.count()
        for name in DOMAIN_APPS
        for model in apps.get_app_config(name).get_models()
    }


def media_files(root: Path) -> set[str]:
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def post_file(client, url: str, fields: dict, field: str, filename: str, content: bytes):
    """A multipart POST built by hand: the test client would strip the directories of a file
    name, and what the browser sends is what the portal must cope with."""
    boundary = f"kejiju{uuid.uuid4().hex}"
    body = bytearray()
    for name, value in fields.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    body += (
        f"--{boundary}\r\nContent-Disposition: form-data; "
        f'name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        url, data=bytes(body), content_type=f"multipart/form-data; boundary={boundary}"
    )


def shown(response) -> str:
    assert response.status_code < 500
    return html.unescape(response.content.decode())


def test_the_corpus_has_forty_hostile_files_across_layouts_and_endpoints():
    assert len(SHEETS) + len(UPLOADS) >= 40
    assert len({c.id for c in SHEETS} | {c.id for c in UPLOADS}) == len(SHEETS) + len(UPLOADS)
    assert {c.layout for c in SHEETS} >= {
        "patents",
        "enterprises",
        "experts",
        "projects",
        "seismic_activities",
    }
    assert {c.endpoint for c in UPLOADS} == set(corpus.ENDPOINTS)


# ---- spreadsheets ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", [c for c in SHEETS if "upload" in c.via], ids=lambda c: c.id)
def test_browser_import_refuses_with_a_chinese_message_and_writes_nothing(
    case, login, users, media
):
    client = login(users[Role.STAFF])
    before = domain_counts()
    response = post_file(
        client,
        reverse("imports:upload"),
        {"layout": case.layout},
        "file",
        case.filename,
        case.build(),
    )
    page = shown(response)
    if response.status_code == 302:
        page = shown(client.get(response["Location"]))
    assert (case.upload_error or case.error) in page
    assert domain_counts() == before
    job = ImportJob.objects.first()
    if job is None:  # refused on the form: the upload was not kept
        assert media_files(media) == set()
        return
    assert job.state == ImportJob.State.FAILED
    # The user's name is shown, never used on disk.
    assert "/" not in job.original_name and "\\" not in job.original_name
    assert len(job.original_name) <= 120 and job.original_name.isprintable()
    stored = Path(job.file.path).resolve()
    assert stored.is_relative_to(Path(media).resolve() / "imports")
    assert media_files(media) == {str(stored.relative_to(Path(media).resolve()))}


@pytest.mark.parametrize("case", [c for c in SHEETS if "command" in c.via], ids=lambda c: c.id)
def test_import_sheet_command_refuses_with_a_chinese_message_and_writes_nothing(case, tmp_path):
    path = tmp_path / case.filename
    path.write_bytes(case.build())
    before = domain_counts()
    errors = io.StringIO()
    with pytest.raises((CommandError, SystemExit)) as refused:
        call_command("import_sheet", case.layout, str(path), stderr=errors)
    if isinstance(refused.value, SystemExit):
        assert refused.value.code == 1
        message = errors.getvalue()
        assert "未写入任何数据" in message
    else:
        message = str(refused.value)
    assert case.error in message
    assert domain_counts() == before


def test_a_refused_large_file_leaves_no_rows_behind(login, users):
    """The 1,500-row file runs as a real import (no dry run first); its bad row 1,400 must
    still leave the 1,398 valid rows before it unwritten."""
    from seismic.models import SeismicActivity

    client = login(users[Role.STAFF])
    case = next(c for c in SHEETS if c.id == "csv-1500-rows-bad-at-1400")
    response = post_file(
        client,
        reverse("imports:upload"),
        {"layout": case.layout},
        "file",
        case.filename,
        case.build(),
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and not job.dry_run and job.total == 1499
    assert job.state == ImportJob.State.FAILED and job.errors == [
        {
            "row": 1400,
            "column": "日期",
            "message": "无法识别的日期「2024-13-01」，请写成 2023-05-01、2023/5/1 或 2023年5月1日",
        }
    ]
    assert not SeismicActivity.objects.exists()


def test_full_width_digits_are_read_as_ascii(tmp_path):
    """Codes and numbers typed with a Chinese input method are the same record, not a new one."""
    from enterprises.models import Enterprise
    from experts.models import Expert
    from patents.models import Patent

    def wide(text: str) -> str:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)

    narrow_rows = {
        "patents": corpus.patents(1),
        "enterprises": corpus.enterprises(1),
        "experts": corpus.experts(1),
    }
    wide_rows = {
        "patents": corpus.patents(
            1, 申请号=wide(corpus.patent_number(1)), 申请日="２０２３年３月１日"
        ),
        "enterprises": corpus.enterprises(
            1, 统一社会信用代码=wide(corpus.make_credit_code(7001)), 从业人数="８０"
        ),
        "experts": corpus.experts(1, 手机=wide("139 0577 0001")),
    }
    for layout in narrow_rows:
        for row in (narrow_rows[layout], wide_rows[layout]):
            path = tmp_path / f"{layout}.csv"
            path.write_bytes(corpus.csv_bytes([row]))
            assert run_import(layout, str(path), path.name).ok
    patent = Patent.objects.get()
    assert patent.application_number == corpus.patent_number(1)
    assert patent.filed_on == dt.date(2023, 3, 1)
    assert Enterprise.objects.get().credit_code == corpus.make_credit_code(7001)
    assert Expert.objects.get().mobile == "13905770001"


# ---- uploads ---------------------------------------------------------------------------------


@pytest.fixture
def targets(users, enterprise):
    """Where each endpoint uploads to: a draft application of the enterprise user, a seismic
    activity and an emergency plan."""
    from enterprises import services
    from enterprises.forms import HNTEForm
    from enterprises.tests.factories import hnte_post
    from seismic.models import EmergencyPlan, SeismicActivity

    form = HNTEForm(hnte_post())
    assert form.is_valid(), form.errors
    draft = services.save_application(
        enterprise=enterprise,
        kind="hnte",
        year=2024,
        figures=form.figures(),
        recognition="first",
        by=users[Role.ENTERPRISE],
    )
    activity = SeismicActivity.objects.create(
        name="防震减灾宣传", kind="publicity", held_on=dt.date(2024, 5, 12)
    )
    plan = EmergencyPlan.objects.create(name="地震应急预案", scope="全县")
    return {
        "attachment": (
            users[Role.ENTERPRISE],
            reverse("enterprises:attachment_add", args=[draft.pk]),
            {"description": "营业执照"},
            "file",
        ),
        "photo": (
            users[Role.STAFF],
            reverse("seismic:photo_add", args=[activity.pk]),
            {"caption": "现场"},
            "image",
        ),
        "plan_document": (
            users[Role.STAFF],
            reverse("seismic:version_add", args=[plan.pk]),
            {"version": "2024版", "approved_on": "2024-03-01", "issuing_office": "县政府办"},
            "document",
        ),
    }


@pytest.mark.parametrize("case", UPLOADS, ids=lambda c: c.id)
def test_upload_is_refused_with_a_chinese_message_and_nothing_kept(case, targets, login, media):
    user, url, fields, field = targets[case.endpoint]
    client = login(user)
    before = domain_counts()
    response = post_file(client, url, fields, field, case.filename, case.build())
    assert response.status_code in (200, 400)
    assert case.error in shown(response)
    assert domain_counts() == before
    assert media_files(media) == set()


@pytest.mark.parametrize(
    ("endpoint", "content", "folder"),
    [
        ("attachment", corpus.PDF, "applications"),
        ("photo", corpus.real_jpeg(), "seismic/photos"),
        ("plan_document", corpus.PDF, "seismic/plans"),
    ],
)
def test_a_valid_file_with_a_traversal_name_is_stored_under_the_servers_name(
    endpoint, content, folder, targets, login, media
):
    """The control case of the refusals above: the same forms accept a real file, and its
    hostile name never reaches the disk."""
    user, url, fields, field = targets[endpoint]
    response = post_file(login(user), url, fields, field, "../../../etc/cron.d/x.pdf", content)
    assert response.status_code == 302
    (stored,) = media_files(media)
    assert stored.startswith(folder + "/") and "cron" not in stored and ".." not in stored


# ---- formula injection -------------------------------------------------------------------------

# Text columns that hold validated values rather than free text.
VALIDATED = {"专业领域", "手机", "电子邮箱"}


def text_columns(resource) -> list[str]:
    keys = set(resource.key_columns())
    return [
        f.column_name
        for f in resource.layout_fields()
        if isinstance(f.widget, TextWidget) and f.column_name not in keys | VALIDATED
    ]


FORMULA_LAYOUTS = [
    "patents",
    "enterprises",
    "experts",
    "projects",
    "seismic_activities",
    "tech_contracts",
]


@pytest.mark.parametrize("layout", FORMULA_LAYOUTS)
def test_formula_text_is_stored_as_data_and_neutralised_in_exports(layout, tmp_path):
    resource = get_layout(layout)()
    columns = text_columns(resource)
    assert columns
    texts = [f.text.strip() for f in FORMULAS if len(f.text) <= 30]
    row = corpus.ROWS[layout](1)
    planted = {column: texts[i % len(texts)] for i, column in enumerate(columns)}
    row.update(planted)
    path = tmp_path / "formulas.csv"
    path.write_bytes(corpus.csv_bytes([row]))
    report = run_import(layout, str(path), path.name)
    assert report.ok, report.errors

    model = resource._meta.model
    dataset = resource.export(model.objects.all())
    exported = dict(zip(dataset.headers, dataset[0], strict=True))
    for column, text in planted.items():
        assert exported[column] == "'" + text, column
    # The same through the xlsx writer: the cells are strings, none is a formula.
    workbook = load_workbook(
        io.BytesIO(export_response(resource, model.objects.all(), "x.xlsx").content)
    )
    cells = [c for r in workbook.active.iter_rows(min_row=2) for c in r]
    assert all(c.data_type != "f" for c in cells)
    assert {c.value for c in cells} >= {"'" + t for t in planted.values()}


@pytest.mark.parametrize("case", FORMULAS, ids=lambda c: c.id)
def test_every_formula_prefix_is_escaped(case):
    assert escape_formula(case.text) == "'" + case.text


def test_patent_list_export_neutralises_formulas(login, users):
    from patents.tests.factories import make_patent

    for n, case in enumerate(FORMULAS, start=1):
        make_patent(n, title=case.text, applicants=case.text)
    response = login(users[Role.STAFF]).get(reverse("patents:list"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    titles = {
        row[headers.index("专利名称")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert titles == {"'" + case.text for case in FORMULAS}
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


def test_dashboard_export_neutralises_formulas(login, users):
    from reports.models import IndicatorSnapshot, IndicatorValue

    now = timezone.now()
    snapshot = IndicatorSnapshot.objects.create(year=2023, computed_at=now)
    IndicatorValue.objects.create(
        snapshot=snapshot,
        key="=cmd|' /C calc'!A0",
        label='=HYPERLINK("http://evil.example","查看")',
        unit="@件",
        section="enterprise",
        value=Decimal("1"),
        computed_at=now,
    )
    response = login(users[Role.LEADER]).get(reverse("reports:export_xlsx"), {"year": 2023})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = [c.value for c in sheet[2]]
    assert row[:2] == ["'=cmd|' /C calc'!A0", '\'=HYPERLINK("http://evil.example","查看")']
    assert row[4] == "'@件"
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
