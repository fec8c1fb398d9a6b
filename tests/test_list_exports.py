"""导出 Excel on the lists people keep in spreadsheets: every row the filters select (not just the
page), in the import layout, so the exported file imports back with nothing to change."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kejiju.choices import Role, Section
from kejiju.imports import run_import
from kejiju.imports.registry import get_layout
from tests.hostile.corpus import csv_bytes, rows

pytestmark = pytest.mark.django_db

# (layout, list URL, search text that selects the first of the two imported rows)
LISTS = [
    ("patents", "patents:list", "防松螺母1"),
    ("enterprises", "enterprises:list", "机械有限公司1"),
    ("experts", "experts:expert_list", "样例专家1"),
    ("projects", "projects:project_list", "检测平台1"),
    ("seismic_activities", "seismic:activity_list", "防震减灾宣传1"),
]


def imported(layout: str) -> None:
    if layout == "experts":
        from experts.models import Specialty

        Specialty.objects.create(name="机械制造")
    report = run_import(layout, io.BytesIO(csv_bytes(rows(layout, good=2)[:2])), "两行.csv")
    assert report.ok and report.created == 2, report.errors


def sheet_rows(response) -> list[list]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def clerk(make_user, login):
    # 办公室 manages the expert pool, so the expert list offers its export too.
    return login(make_user(Role.STAFF, "clerk", section=Section.OFFICE))


@pytest.mark.parametrize("layout, url, search", LISTS)
def test_export_writes_every_filtered_row_in_the_import_layout(clerk, layout, url, search):
    imported(layout)
    page = clerk.get(reverse(url), {"q": search})
    assert "导出 Excel" in page.content.decode()
    assert page.context["export_query"]["q"] == search

    exported = sheet_rows(clerk.get(reverse(url), {"q": search, "export": "xlsx", "page": 2}))
    headers = get_layout(layout)().get_export_headers()
    assert exported[0] == headers
    assert len(exported) == 2  # the header and the one row the search selects
    assert any(search in str(cell) for cell in exported[1])


def test_an_invalid_filter_exports_the_rows_the_page_shows(clerk):
    imported("patents")
    params = {"q": "防松螺母1", "filed_year": "去年"}
    page = clerk.get(reverse("patents:list"), params)
    assert page.context["filter"].errors and len(page.context["page"].object_list) == 1
    exported = sheet_rows(clerk.get(reverse("patents:list"), {**params, "export": "xlsx"}))
    assert len(exported) == 2 and "一种防松螺母1" in exported[1]


@pytest.mark.parametrize("layout, url, search", LISTS)
def test_an_exported_list_imports_back_unchanged(clerk, layout, url, search):
    imported(layout)
    response = clerk.get(reverse(url), {"export": "xlsx"})
    assert len(sheet_rows(response)) == 3

    report = run_import(layout, io.BytesIO(response.content), "导出.xlsx")
    assert report.ok, report.errors
    assert (report.total, report.created, report.updated, report.unchanged) == (2, 0, 0, 2)


def test_staff_outside_the_pool_sections_get_no_expert_export(make_user, login):
    imported("experts")
    clerk = login(make_user(Role.STAFF, "seismic-clerk", section=Section.SEISMIC))
    response = clerk.get(reverse("experts:expert_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("text/html")
    assert "导出 Excel" not in response.content.decode()
    assert "13905770001" not in response.content.decode()


def test_an_enterprise_exports_only_its_own_patents(users, login, other_enterprise):
    from patents.models import Patent

    imported("patents")
    own, foreign = Patent.objects.order_by("application_number")
    own.enterprise = users[Role.ENTERPRISE].enterprise
    own.save()
    foreign.enterprise = other_enterprise
    foreign.save()
    client = login(users[Role.ENTERPRISE])
    exported = sheet_rows(client.get(reverse("patents:list"), {"export": "xlsx"}))
    numbers = [row[0] for row in exported[1:]]
    assert numbers == [own.application_number]
