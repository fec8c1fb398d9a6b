import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kejiju.choices import Role
from patents.models import DisputeCase, IPActivity, Patent

from .factories import app_number, make_patent

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(enterprise, other_enterprise):
    own = make_patent(1, enterprise=enterprise, title="本企业的发明")
    foreign = make_patent(2, enterprise=other_enterprise, title="别家的发明")
    loose = make_patent(3, type_digit="2", applicants="个人申请人", title="=cmd|' /C calc'!A0")
    return own, foreign, loose


def test_visible_to(users, register):
    own, foreign, loose = register
    assert set(Patent.objects.visible_to(users[Role.STAFF])) == {own, foreign, loose}
    assert set(Patent.objects.visible_to(users[Role.LEADER])) == {own, foreign, loose}
    assert list(Patent.objects.visible_to(users[Role.ENTERPRISE])) == [own]
    assert not Patent.objects.visible_to(users[Role.EXPERT]).exists()
    assert not Patent.objects.visible_to(users[Role.AUDITOR]).exists()


@pytest.mark.parametrize(
    "name",
    [
        "patents:list",
        "patents:unlinked",
        "patents:statistics",
        "patents:dispute_list",
        "patents:activity_list",
    ],
)
def test_staff_pages_render(login, users, register, name):
    DisputeCase.objects.create(case_number="瑞知维〔2023〕001号", accepted_on=dt.date(2023, 1, 1))
    IPActivity.objects.create(
        held_on=dt.date(2023, 4, 26), kind="ip_day", title="4·26 宣传", participants=300
    )
    response = login(users[Role.STAFF]).get(reverse(name))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_detail_shows_history(login, users, register):
    own = register[0]
    own.title = "改过名称的发明"
    own.save()
    response = login(users[Role.STAFF]).get(reverse("patents:detail", args=[own.pk]))
    body = response.content.decode()
    assert "变更记录" in body and "本企业的发明 → 改过名称的发明" in body


def test_detail_of_a_patent_written_in_bulk_without_history(login, users, register):
    own = register[0]
    own.history.all().delete()  # as bulk imports and data migrations leave a row
    response = login(users[Role.STAFF]).get(reverse("patents:detail", args=[own.pk]))
    assert response.status_code == 200
    assert own.title in response.content.decode()


def test_enterprise_user_sees_own_patents_only(login, users, register):
    own, foreign, _ = register
    client = login(users[Role.ENTERPRISE])
    body = client.get(reverse("patents:list")).content.decode()
    assert own.title in body and foreign.title not in body
    assert "关联企业" not in body  # no enterprise picker listing the registry
    assert client.get(reverse("patents:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("patents:detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("patents:unlinked")).status_code == 403
    assert client.get(reverse("patents:statistics")).status_code == 403


@pytest.mark.parametrize("role", [Role.EXPERT, Role.AUDITOR])
def test_other_roles_are_refused(login, users, role):
    assert login(users[role]).get(reverse("patents:list")).status_code == 403


def test_filters(login, users, register, enterprise):
    client = login(users[Role.STAFF])

    def titles(**params):
        response = client.get(reverse("patents:list"), params)
        return {p.title for p in response.context["page"]}

    assert titles(kind="utility") == {register[2].title}
    assert titles(linked="no") == {register[2].title}
    assert titles(enterprise=enterprise.pk) == {"本企业的发明"}
    assert titles(q="别家") == {"别家的发明"}
    assert titles(q=register[0].application_number) == {"本企业的发明"}
    assert titles(filed_year=2023) == {p.title for p in register}
    assert titles(filed_year=2022) == set()
    assert titles(town=enterprise.town_id) == {"本企业的发明", "别家的发明"}
    assert titles(enterprise_name="测试科技") == {"本企业的发明"}
    assert titles(enterprise_name=enterprise.credit_code) == {"本企业的发明"}


def test_list_query_count_does_not_grow_with_page_size(
    login, users, enterprise, django_assert_num_queries
):
    for i in range(1, 121):
        make_patent(i, enterprise=enterprise if i % 2 else None)
    client = login(users[Role.STAFF])
    client.get(reverse("patents:list"))  # warm the session
    with django_assert_num_queries(_count(client, 20)):
        response = client.get(reverse("patents:list"), {"per_page": 100})
    assert len(response.context["page"]) == 100


def _count(client, per_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("patents:list"), {"per_page": per_page})
    assert len(response.context["page"]) == per_page
    return len(queries)


def test_export_escapes_formulas(login, users, register):
    response = login(users[Role.STAFF]).get(
        reverse("patents:list"), {"export": "xlsx", "kind": "utility"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("申请号", "专利名称")
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0"


def test_enterprise_export_contains_only_own_patents(login, users, register):
    response = login(users[Role.ENTERPRISE]).get(reverse("patents:list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["本企业的发明"]


def test_link_unlinked_applicants_in_bulk(login, users, enterprise):
    make_patent(1, applicants="瑞安某厂")
    make_patent(2, applicants="瑞安某厂")
    make_patent(3, applicants="别人")
    client = login(users[Role.STAFF])
    page = client.get(reverse("patents:unlinked"))
    assert [g["applicants"] for g in page.context["page"]] == ["瑞安某厂", "别人"]
    response = client.post(
        reverse("patents:unlinked"), {"applicants": ["瑞安某厂"], "enterprise": enterprise.pk}
    )
    assert response.status_code == 302
    assert Patent.objects.filter(enterprise=enterprise).count() == 2
    assert (
        Patent.history.filter(
            history_user=users[Role.STAFF], history_change_reason="关联申请人与企业"
        ).count()
        == 2
    )


def test_auto_link_by_registry(login, users, enterprise):
    make_patent(1, applicants=enterprise.name)
    make_patent(2, applicants="某人", applicant_credit_code=enterprise.credit_code)
    make_patent(3, applicants="某人")
    login(users[Role.STAFF]).post(reverse("patents:unlinked"), {"action": "auto"})
    assert Patent.objects.filter(enterprise=enterprise).count() == 2


def test_statistics_table_with_year_on_year_change(login, users):
    for i in range(2):
        make_patent(i + 1, year=2022, filed_on=dt.date(2022, 3, 1), granted_on=dt.date(2023, 3, 1))
    for i in range(5):
        make_patent(i + 10, filed_on=dt.date(2023, 3, 1))
    response = login(users[Role.STAFF]).get(reverse("patents:statistics"), {"year": 2023})
    table = response.context["table"]
    assert [r["year"] for r in table["rows"]] == [2019, 2020, 2021, 2022, 2023]
    labels = [c["label"] for c in table["columns"]]
    invention_apps = labels.index("发明申请量")
    last = table["rows"][-1]["cells"][invention_apps]
    assert (last.value, str(last.change)) == (5, "150.00")
    assert table["rows"][-1]["cells"][labels.index("发明授权量")].value == 2
    body = response.content.decode()
    assert "vendor/echarts.min.js" in body and "+150.0%" in body


def test_grant_year_lists_by_grant_date(login, users):
    make_patent(1, filed_on=dt.date(2021, 1, 1), granted_on=dt.date(2022, 12, 1))
    make_patent(2, filed_on=dt.date(2022, 1, 1), granted_on=dt.date(2022, 3, 1))
    make_patent(3, filed_on=dt.date(2020, 1, 1), granted_on=dt.date(2022, 6, 1))
    response = login(users[Role.STAFF]).get(reverse("patents:list"), {"granted_year": 2022})
    assert [p.granted_on.month for p in response.context["page"]] == [12, 6, 3]


def test_dispute_detail_with_history(login, users):
    case = DisputeCase.objects.create(
        case_number="瑞知维〔2023〕009号",
        cause="侵犯外观设计专利权纠纷",
        accepted_on=dt.date(2023, 5, 1),
    )
    case.outcome = "mediated"
    case.closed_on = dt.date(2023, 6, 1)
    case.save()
    body = (
        login(users[Role.LEADER])
        .get(reverse("patents:dispute_detail", args=[case.pk]))
        .content.decode()
    )
    assert "侵犯外观设计专利权纠纷" in body and "调解结案" in body and "修改" in body
    assert (
        login(users[Role.ENTERPRISE])
        .get(reverse("patents:dispute_detail", args=[case.pk]))
        .status_code
        == 403
    )


def test_unfiltered_register_shows_the_estimated_count(login, users, register, monkeypatch):
    from django.db import connection

    from patents import pagination

    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's row statistics")
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patents_patent")
    client = login(users[Role.STAFF])
    response = client.get(reverse("patents:list"))
    paginator = response.context["page"].paginator
    assert paginator.estimated and paginator.count == len(register)
    assert f"共约 {len(register)} 条" in response.content.decode()
    filtered = client.get(reverse("patents:list"), {"filed_year": 2023}).context["page"]
    assert not filtered.paginator.estimated and filtered.paginator.count == len(register)


def test_statistics_read_a_bounded_number_of_queries_whatever_the_patents(
    login, users, django_assert_max_num_queries
):
    leader = login(users[Role.LEADER])
    for i in range(4):
        make_patent(i + 1, year=2022, filed_on=dt.date(2022, 1 + i, 1))
    with django_assert_max_num_queries(10):
        small = leader.get(reverse("patents:statistics"), {"year": 2023})
    assert small.status_code == 200
    Patent.objects.bulk_create(
        Patent(
            application_number=app_number(1000 + n, 2023, "2"),
            title=f"一种装置{n}",
            applicants="瑞安某科技有限公司",
            kind="utility",
            filed_on=dt.date(2023, 1 + n % 12, 1),
            granted_on=dt.date(2023, 12, 1) if n % 2 else None,
        )
        for n in range(200)
    )
    with django_assert_max_num_queries(10):
        large = leader.get(reverse("patents:statistics"), {"year": 2023})
    table = large.context["table"]
    labels = [c["label"] for c in table["columns"]]
    last = table["rows"][-1]["cells"]
    assert last[labels.index("实用新型申请量")].value == 200
    assert last[labels.index("实用新型授权量")].value == 100
    assert table["rows"][-2]["cells"][labels.index("发明申请量")].value == 4
