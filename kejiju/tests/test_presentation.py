"""One presentation layer: the formatting filters, the pagination include, the sortable columns
and the names in pinyin order."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from kejiju import formatting
from kejiju.choices import Role
from tests.access_world import make_account


def render(source: str, **context) -> str:
    request = RequestFactory().get("/list/", context.pop("query", {}))
    return Template(source).render(Context({"request": request, **context}))


# ---- the formatting filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1125, "件", "1,125 件"),
        (0, "件", "0 件"),
        (None, "件", "—"),
        ("", "件", "—"),
        (-3, "家", "-3 家"),
        (Decimal("1234567"), "", "1,234,567"),
        (Decimal("1125.50"), "", "1,125.5"),
        ("abc", "件", "abc"),
    ],
)
def test_count(value, unit, expected):
    assert formatting.count(value, unit) == expected
    assert render("{{ v|count:u }}", v=value, u=unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("9999.99"), "9,999.99 万元"),
        (Decimal("9999.994"), "9,999.99 万元"),
        (Decimal("10000"), "1.00 亿元"),
        (Decimal("258310"), "25.83 亿元"),
        (0, "0.00 万元"),
        (None, "—"),
        (Decimal("-50"), "-50.00 万元"),
        (Decimal("-25000"), "-2.50 亿元"),
        (Decimal("0.004"), "0.00 万元"),
        (Decimal("-0.001"), "0.00 万元"),
        (60, "60.00 万元"),
    ],
)
def test_money(value, expected):
    assert formatting.money(value) == expected
    assert render("{{ v|money }}", v=value) == expected


def test_money_figure_stays_in_wan_for_a_column_headed_wan():
    assert render("{{ v|money_figure }}", v=Decimal("258310")) == "258,310.00"
    assert render("{{ v|money_figure }}", v=None) == "—"
    assert render("{{ v|money_figure }}", v=0) == "0.00"


@pytest.mark.parametrize(
    ("value", "expected_change", "expected_percent"),
    [
        (12.5, "+12.5%", "12.5%"),
        (Decimal("-3"), "-3.0%", "-3.0%"),
        (0, "0.0%", "0.0%"),
        (Decimal("0.04"), "0.0%", "0.0%"),
        (None, "—", "—"),
        (Decimal("852.5"), "+852.5%", "852.5%"),
        (Decimal("1234.56"), "+1,234.6%", "1,234.6%"),
    ],
)
def test_change_and_percent(value, expected_change, expected_percent):
    assert render("{{ v|change }}", v=value) == expected_change
    assert render("{{ v|percent }}", v=value) == expected_percent


def test_dates_without_zero_padding_and_date_times_in_local_time():
    assert render("{{ d|cndate }}", d=dt.date(2026, 12, 6)) == "2026年12月6日"
    assert render("{{ d|cndate }}", d=dt.date(2024, 1, 5)) == "2024年1月5日"
    assert render("{{ d|cndate }}", d=None) == "—"
    assert render("{{ d|cnmonth }}", d=dt.date(2024, 5, 1)) == "2024年5月"
    # 09:11:34 UTC is 17:11:34 in Asia/Shanghai, and already the next day at 17:00 UTC
    moment = dt.datetime(2026, 12, 6, 9, 11, 34, tzinfo=dt.UTC)
    assert render("{{ d|cndatetime }}", d=moment) == "2026年12月6日 17:11"
    assert render('{{ d|cndatetime:"s" }}', d=moment) == "2026年12月6日 17:11:34"
    late = dt.datetime(2026, 12, 5, 17, 0, tzinfo=dt.UTC)
    assert render("{{ d|cndate }}", d=late) == "2026年12月6日"
    assert render("{{ d|cndatetime }}", d=dt.date(2026, 12, 6)) == "2026年12月6日"
    assert render("{{ d|cndatetime }}", d=None) == "—"
    naive = dt.datetime(2026, 3, 1, 8, 5)
    assert render("{{ d|cndatetime }}", d=naive) == "2026年3月1日 08:05"
    assert ZoneInfo("Asia/Shanghai")  # the portal's zone, which the figures above assume


def test_ranges_have_one_dash():
    assert render('{% value_range 120 125 "家" %}') == "120–125家"
    assert render('{% value_range 120 120 "家" %}') == "120家"
    assert render('{% value_range None 125 "家" %}') == "125家"
    assert render('{% value_range None None "家" %}') == "—"
    assert render('{% value_range 1000 1500 "件" %}') == "1,000–1,500件"
    for typed in ("120—125家", "120-125家", "120 ~ 125家", "120～125家", "120至125家"):
        assert render("{{ t|range_dash }}", t=typed) == "120–125家"
    assert render("{{ t|range_dash }}", t="2024-2025年度") == "2024–2025年度"
    assert render("{{ t|range_dash }}", t="") == ""


# ---- pagination -------------------------------------------------------------------------------


class _Page:
    def __init__(self, number, count, per_page=20):
        from django.core.paginator import Paginator

        self.page = Paginator(range(count), per_page).get_page(number)


PAGINATION = '{% include "includes/pagination.html" %}'


def _links(html: str) -> list[str]:
    found = re.findall(r'<a class="page-link" href="\?([^"]*)"[^>]*>([^<]+)</a>', html)
    return [(unescape(query), text) for query, text in found]


def test_pagination_shows_first_last_and_page_numbers():
    html = render(PAGINATION, page=_Page(10, 1000).page, query={"q": "电机", "page": "10"})
    links = dict((text, query) for query, text in _links(html))
    assert links["首页"] == "q=%E7%94%B5%E6%9C%BA&page=1"
    assert links["末页"].endswith("page=50")
    assert links["上一页"].endswith("page=9") and links["下一页"].endswith("page=11")
    # the first, two either side of the current one, the last, gaps as …
    numbers = [text for _, text in _links(html) if text.isdigit()]
    assert numbers == ["1", "8", "9", "11", "12", "50"]
    assert 'aria-current="page"><span class="page-link">10</span>' in html
    assert html.count("…") == 2
    assert "共 1,000 条" in html


def test_pagination_on_the_first_and_last_page_disables_what_leads_nowhere():
    first = render(PAGINATION, page=_Page(1, 45).page)
    texts = [text for _, text in _links(first)]
    assert "首页" not in texts and "上一页" not in texts
    assert '<span class="page-link">首页</span>' in first
    assert texts == ["2", "3", "下一页", "末页"]
    last = render(PAGINATION, page=_Page(3, 45).page)
    assert [text for _, text in _links(last)] == ["首页", "上一页", "1", "2"]
    assert render(PAGINATION, page=_Page(1, 15).page).strip() == ""  # one page: no bar


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.5", "99999", "", "\x00", "9" * 30])
def test_a_bad_page_number_shows_a_page_not_an_error(bad):
    from enterprises.models import Enterprise
    from kejiju.codes import make_credit_code
    from kejiju.models import Town

    town = Town.objects.first() or Town.objects.create(name="安阳街道")
    Enterprise.objects.bulk_create(
        Enterprise(credit_code=make_credit_code(7000 + i), name=f"分页企业{i:02d}", town=town)
        for i in range(45)
    )
    client = Client()
    client.force_login(make_account(Role.STAFF, "pager"))
    response = client.get(reverse("enterprises:list"), {"page": bad})
    assert response.status_code == 200
    body = response.content.decode()
    assert "首页" in body and "末页" in body
    shown = response.context["page"].number
    assert shown == (3 if bad == "99999" or bad == "9" * 30 else 1)


# ---- sorting ----------------------------------------------------------------------------------


@pytest.fixture
def enterprises_to_sort(db):
    from enterprises.models import Enterprise
    from kejiju.codes import make_credit_code
    from kejiju.models import Town

    town = Town.objects.first() or Town.objects.create(name="安阳街道")
    names = ["王氏电机有限公司", "李氏泵业有限公司", "何氏阀门有限公司", "安阳精工有限公司"]
    for i, name in enumerate(names):
        Enterprise.objects.create(
            credit_code=make_credit_code(7100 + i), name=name, town=town, staff_count=10 * (i + 1)
        )
    client = Client()
    client.force_login(make_account(Role.STAFF, "sorter"))
    return client


def _names(response) -> list[str]:
    return [e.name for e in response.context["page"]]


def test_lists_sort_by_a_whitelisted_column_both_ways(enterprises_to_sort):
    client = enterprises_to_sort
    url = reverse("enterprises:list")
    pinyin = ["安阳精工有限公司", "何氏阀门有限公司", "李氏泵业有限公司", "王氏电机有限公司"]
    assert _names(client.get(url)) == pinyin  # the default order: pinyin, not code points
    assert _names(client.get(url, {"sort": "name"})) == pinyin
    assert _names(client.get(url, {"sort": "-name"})) == pinyin[::-1]
    by_staff = client.get(url, {"sort": "-staff_count"})
    assert [e.staff_count for e in by_staff.context["page"]] == [40, 30, 20, 10]
    body = by_staff.content.decode()
    # the header of the current column links to the other direction and says which it is
    assert re.search(r'href="\?sort=staff_count"[^>]*>从业人数 ▼</a>', body)
    assert re.search(r'href="\?sort=name"[^>]*>企业名称<span[^>]*> ⇅</span></a>', body)


@pytest.mark.parametrize(
    "hostile",
    [
        "password",
        "-credit_code__password",
        "town__name",
        "--name",
        "name; DROP TABLE x",
        "\x00",
        "<script>alert(1)</script>",
        "x" * 3000,
        "users__password",
        "?",
        "-",
    ],
)
def test_an_unknown_sort_value_keeps_the_default_order(enterprises_to_sort, hostile):
    response = enterprises_to_sort.get(reverse("enterprises:list"), {"sort": hostile})
    assert response.status_code == 200
    assert _names(response)[0] == "安阳精工有限公司"
    assert response.context["current_sort"] == ""
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_every_sortable_list_sorts_by_each_of_its_columns_without_error(db):
    """Every key of every list's whitelist is a valid order on its queryset (both ways)."""
    from kejiju.listing import FilteredListView

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    views = [v for v in subclasses(FilteredListView) if v.sort_fields]
    assert len(views) >= 12
    user = make_account(Role.STAFF, "sort-all")
    for view_class in views:
        for key in view_class.sort_fields:
            for value in (key, f"-{key}"):
                view = view_class()
                view.request = RequestFactory().get("/", {"sort": value})
                view.request.user = user
                view.kwargs = {}
                queryset = view.get_queryset() if hasattr(view, "get_queryset") else None
                list(view.sorted_queryset(queryset)[:5])


# ---- pinyin order -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_experts_are_listed_in_pinyin_order_and_the_specialty_filter_as_a_tree():
    from experts.models import Expert, Specialty

    for i, name in enumerate(("何平", "王磊", "安然", "李娜", "张伟", "白雪")):
        Expert.objects.create(
            name=name, employer="温州大学", title="senior", mobile=f"1360000000{i}"
        )
    engineering = Specialty.objects.create(name="工学", order=2)
    science = Specialty.objects.create(name="理学", order=1)
    Specialty.objects.create(name="机械", parent=engineering, order=2)
    Specialty.objects.create(name="电气", parent=engineering, order=1)
    Specialty.objects.create(name="化学", parent=science)
    client = Client()
    client.force_login(make_account(Role.STAFF, "pool-clerk"))
    response = client.get(reverse("experts:expert_list"))
    assert [e.name for e in response.context["page"]] == [
        "安然",
        "白雪",
        "何平",
        "李娜",
        "王磊",
        "张伟",
    ]
    choices = [
        label for value, label in response.context["filter"].form.fields["specialty"].choices
    ]
    assert choices == ["全部", "理学", "理学 / 化学", "工学", "工学 / 电气", "工学 / 机械"]


def test_no_template_formats_a_date_its_own_way():
    """Dates and times go through cndate / cndatetime / cnmonth (2026年12月6日, no zero padding),
    never a template's own ``|date:"Y-m-d"``."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    own = re.compile(r'\|date:"(?:Y-m-d|Y年n月j日|Y年m月d日|m-d)')
    found = (
        [
            f"{path.relative_to(root)}: {match.group(0)}"
            for path in root.glob("*/templates/**/*.html")
            if ".venv" not in path.parts
            for match in own.finditer(path.read_text())
        ]
        + [
            f"{path.relative_to(root)}: {match.group(0)}"
            for path in (root / "templates").glob("**/*.html")
            for match in own.finditer(path.read_text())
        ]
        + [
            f"{path.relative_to(root)}: {match.group(0)}"
            for path in root.glob("kejiju/*/templates/**/*.html")
            for match in own.finditer(path.read_text())
        ]
    )
    assert found == []
