import io
from decimal import Decimal

import pytest
from django.urls import reverse

from kejiju.choices import Role
from reports.models import Honour, IndicatorValue, NarrativeParagraph, SummaryRender, YearTarget
from reports.services import compute_indicators


@pytest.fixture
def snapshot_2023(sample_registry, add_contracts, add_hnte):
    add_contracts(2022, ["10"] * 12)
    add_contracts(2023, ["10"] * 15)
    add_hnte(2022, 3)
    add_hnte(2023, 2)
    compute_indicators(2022)
    snapshot = compute_indicators(2023)
    YearTarget.objects.create(
        year=2023,
        indicator_key="techmarket.contracts",
        label="登记技术合同",
        minimum=20,
        maximum=24,
    )
    YearTarget.objects.create(year=2023, label="设立宏观观测点", minimum=5, unit="个")
    return snapshot


@pytest.mark.parametrize("role", [Role.LEADER, Role.STAFF, Role.ADMIN])
def test_dashboard_renders_for_leadership_and_bureau(login, users, snapshot_2023, role):
    response = login(users[role]).get(reverse("reports:dashboard"), {"year": 2023})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2023年度科技工作指标" in html
    assert 'kj-up">+25.0%' in html  # 15 contracts vs 12: red, up
    assert "3 → 2" in html  # 2 new HNTE vs 3: a base under 10 shows both values
    assert "20–24项" in html
    assert 'aria-valuenow="75.0"' in html  # 15 of 20
    assert "static/vendor/echarts.min.js" in html and "cdn" not in html.lower()
    assert 'id="kj-charts"' in html


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.EXPERT, Role.AUDITOR])
def test_dashboard_is_forbidden_to_other_roles(login, users, snapshot_2023, role):
    client = login(users[role])
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:export_xlsx"), {"year": 2023}).status_code == 403
    assert client.get(reverse("reports:summary")).status_code == 403


def test_leader_home_goes_to_the_dashboard(login, users, db):
    response = login(users[Role.LEADER]).get(reverse("leader_home"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:dashboard")


def test_dashboard_query_count_does_not_grow_with_indicators_rows(
    login, users, snapshot_2023, django_assert_max_num_queries
):
    client = login(users[Role.LEADER])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reports:dashboard"), {"year": 2023}).status_code == 200


def test_year_without_snapshot_says_so(login, users, sample_registry):
    html = (
        login(users[Role.LEADER]).get(reverse("reports:dashboard"), {"year": 2031}).content.decode()
    )
    assert "2031年度指标尚未计算" in html


def test_xlsx_export_escapes_formula_cells(login, users, snapshot_2023):
    from openpyxl import load_workbook

    IndicatorValue.objects.filter(key="hnte.new").update(label='=HYPERLINK("x")')
    response = login(users[Role.LEADER]).get(reverse("reports:export_xlsx"), {"year": 2023})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["hnte.new"][1] == '\'=HYPERLINK("x")'
    assert rows["techmarket.contracts"][3] == 15
    assert Decimal(str(rows["techmarket.contracts"][5])) == Decimal("25.00")
    assert [c.value for c in sheet[1]] == [
        "指标代码",
        "指标名称",
        "所属部分",
        "数值",
        "单位",
        "同比(%)",
    ]


def test_compute_now_button_stores_the_snapshot(login, users, sample_registry, add_contracts):
    add_contracts(2024, ["1"])
    response = login(users[Role.STAFF]).post(reverse("reports:compute"), {"year": 2024})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(snapshot__year=2024, key="techmarket.contracts").value == 1


def test_staff_saves_paragraph_and_sees_unknown_placeholder_at_the_field(
    login, users, sample_registry
):
    client = login(users[Role.STAFF])
    url = reverse("reports:paragraph_create")
    response = client.get(url, {"year": 2023})
    assert response.status_code == 200 and "{hnte.total}" in response.content.decode()
    response = client.post(
        url, {"year": 2023, "section": "ip", "order": 1, "text": "授权{patent.grants}件"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'data-testid="error-text"' in html
        and "{patent.grants}" in html
        and "不是已登记的指标代码" in html
    )
    assert not NarrativeParagraph.objects.exists()
    response = client.post(
        url, {"year": 2023, "section": "ip", "order": 1, "text": "高企{hnte.total}家"}
    )
    assert response.status_code == 302
    assert NarrativeParagraph.objects.get().text == "高企{hnte.total}家"


def test_staff_enters_range_target_and_honour(login, users, sample_registry):
    client = login(users[Role.STAFF])
    response = client.post(
        reverse("reports:target_create"),
        {
            "year": 2024,
            "indicator_key": "techmarket.contracts",
            "label": "登记技术合同",
            "minimum": 125,
            "maximum": 120,
            "unit": "",
            "order": 0,
        },
    )
    assert response.status_code == 200 and "上限不能小于下限" in response.content.decode()
    response = client.post(
        reverse("reports:target_create"),
        {
            "year": 2024,
            "indicator_key": "techmarket.contracts",
            "label": "登记技术合同",
            "minimum": 120,
            "maximum": 125,
            "unit": "",
            "order": 0,
        },
    )
    assert response.status_code == 302
    assert YearTarget.objects.get().target_text == "120–125项"
    client.post(
        reverse("reports:honour_create"), {"year": 2024, "text": "省级科技企业孵化器", "order": 0}
    )
    assert Honour.objects.get().text == "省级科技企业孵化器"
    page = client.get(reverse("reports:manage"), {"year": 2024}).content.decode()
    assert "120–125项" in page and "省级科技企业孵化器" in page
    assert login(users[Role.LEADER]).get(reverse("reports:target_create")).status_code == 403


@pytest.mark.slow
def test_leader_generates_polls_and_downloads_the_summary(login, users, snapshot_2023):
    client = login(users[Role.LEADER])
    response = client.post(reverse("reports:summary_start"), {"year": 2023, "format": "pdf"})
    assert response.status_code == 302
    job = SummaryRender.objects.get()
    assert job.state == "succeeded" and job.requested_by == users[Role.LEADER]
    row = client.get(reverse("reports:summary_job", args=[job.pk])).content.decode()
    assert "下载" in row and "hx-trigger" not in row
    download = client.get(reverse("reports:summary_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    page = client.get(reverse("reports:summary"), {"year": 2023}).content.decode()
    assert "生成记录" in page and users[Role.LEADER].username in page


def test_running_job_row_polls_and_failed_row_offers_retry(login, users, sample_registry):
    client = login(users[Role.LEADER])
    running = SummaryRender.objects.create(year=2023, format="pdf", state="running", progress=40)
    from django.utils import timezone

    SummaryRender.objects.filter(pk=running.pk).update(
        started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    row = client.get(reverse("reports:summary_job", args=[running.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in row and 'aria-valuenow="40"' in row
    failed = SummaryRender.objects.create(
        year=2023, format="docx", state="failed", error="磁盘已满"
    )
    page = client.get(reverse("reports:summary"), {"year": 2023}).content.decode()
    assert "磁盘已满" in page and reverse("reports:summary_retry", args=[failed.pk]) in page


def test_joining_a_long_queued_job_sends_its_task_again(login, users, sample_registry, monkeypatch):
    """A task message lost on the way (broker restarted) must not leave the job waiting."""
    from datetime import timedelta

    from django.utils import timezone

    from reports import views

    sent = []
    monkeypatch.setattr(views, "submit", lambda task, *args: sent.append(args))
    client = login(users[Role.LEADER])
    client.post(reverse("reports:summary_start"), {"year": 2023, "format": "pdf"})
    job = SummaryRender.objects.get()
    assert job.state == "queued" and sent == [(job.pk,)]
    client.post(reverse("reports:summary_start"), {"year": 2023, "format": "pdf"})
    assert len(sent) == 1  # joined a fresh job: nothing sent again
    SummaryRender.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    response = client.post(
        reverse("reports:summary_start"), {"year": 2023, "format": "pdf"}, follow=True
    )
    assert sent == [(job.pk,), (job.pk,)] and SummaryRender.objects.count() == 1
    assert "已为您关联到进行中的任务" in response.content.decode()


def test_second_target_on_the_same_indicator_is_refused_in_chinese(login, users, sample_registry):
    YearTarget.objects.create(
        year=2024, indicator_key="hnte.new", label="培育高新技术企业", minimum=35
    )
    response = login(users[Role.STAFF]).post(
        reverse("reports:target_create"),
        {
            "year": 2024,
            "indicator_key": "hnte.new",
            "label": "再培育",
            "minimum": 5,
            "unit": "",
            "order": 0,
        },
    )
    assert response.status_code == 200
    assert "该年度已有对应此指标的目标" in response.content.decode()
    assert YearTarget.objects.count() == 1
