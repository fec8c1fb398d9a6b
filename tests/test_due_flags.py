"""Flags for what is due: qualifications expired or ending within 90 days (the enterprise page,
the registry's 资质有效期 filter, the staff's to-do list) and overdue 复核 of demonstration sites
(the site list, its 复核 filter, the to-do list)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise, Qualification
from kejiju.choices import Role, Section
from kejiju.codes import make_credit_code
from kejiju.worklist import items_for
from seismic.models import DemoSite

TODAY = date(2026, 12, 6)


def qualification(enterprise, recognized_on, valid_until=None, kind="hnte", level="national"):
    return Qualification.objects.create(
        enterprise=enterprise,
        kind=kind,
        level=level,
        recognized_on=recognized_on,
        valid_until=valid_until,
    )


@pytest.fixture
def registry(db, town):
    def firm(n, name):
        return Enterprise.objects.create(credit_code=make_credit_code(n), name=name, town=town)

    expired = firm(9101, "已过期科技有限公司")
    qualification(expired, date(2021, 11, 24), date(2024, 11, 23))
    lapsed_recently = firm(9102, "刚过期科技有限公司")
    qualification(lapsed_recently, date(2023, 12, 5))  # 3 years: last valid day 2026-12-04
    expiring = firm(9103, "将到期科技有限公司")
    qualification(expiring, date(2024, 2, 1), date(2027, 1, 31))
    renewed = firm(9104, "已重新认定科技有限公司")
    qualification(renewed, date(2020, 1, 1), date(2022, 12, 31))
    qualification(renewed, date(2023, 1, 1), date(2029, 12, 31))
    valid = firm(9105, "有效期内科技有限公司")
    qualification(valid, date(2025, 6, 1), date(2028, 5, 31))
    edge = firm(9106, "第九十天到期科技有限公司")
    qualification(edge, date(2024, 3, 6), TODAY + timedelta(days=90))  # day 90: not yet flagged
    return {
        "expired": expired,
        "lapsed": lapsed_recently,
        "expiring": expiring,
        "renewed": renewed,
        "valid": valid,
        "edge": edge,
    }


def names(rows):
    return sorted(q.enterprise.name for q in rows)


def test_expiring_and_expired_on_a_fixed_day(registry):
    assert names(Qualification.objects.expiring(TODAY)) == ["将到期科技有限公司"]
    assert names(Qualification.objects.expired(TODAY)) == ["刚过期科技有限公司"]
    assert names(Qualification.objects.expired(TODAY, days=None)) == [
        "刚过期科技有限公司",
        "已过期科技有限公司",
    ]
    assert names(Qualification.objects.expired(TODAY, days=30)) == ["刚过期科技有限公司"]
    # The renewal superseded the old certificate: nothing of 已重新认定 is flagged.
    for rows in (Qualification.objects.expiring(TODAY), Qualification.objects.expired(TODAY, None)):
        assert "已重新认定科技有限公司" not in names(rows)
    # The day before the 90th day the edge case is flagged, and the model agrees with the query.
    assert "第九十天到期科技有限公司" in names(
        Qualification.objects.expiring(TODAY + timedelta(days=1))
    )
    states = {e.name: [f["state"] for f in e.qualification_flags(TODAY)] for e in registry.values()}
    assert states == {
        "已过期科技有限公司": ["expired"],
        "刚过期科技有限公司": ["expired"],
        "将到期科技有限公司": ["expiring"],
        "已重新认定科技有限公司": [],
        "有效期内科技有限公司": [],
        "第九十天到期科技有限公司": [],
    }
    lapsed = Qualification.objects.get(enterprise=registry["lapsed"])
    assert lapsed.ends_on == date(2026, 12, 4)
    assert lapsed.expiry_state(date(2026, 12, 4)) == "expiring"
    assert lapsed.expiry_state(date(2026, 12, 5)) == "expired"


def days_from_today(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def live_registry(db, town):
    """The same situations, relative to the real today (the pages read the clock)."""
    made = {}
    for n, (name, recognized, until) in enumerate(
        [
            ("已过期科技有限公司", -1000, -30),
            ("将到期科技有限公司", -1000, 45),
            ("有效期内科技有限公司", -100, 900),
        ]
    ):
        e = Enterprise.objects.create(credit_code=make_credit_code(9201 + n), name=name, town=town)
        qualification(e, days_from_today(recognized), days_from_today(until))
        made[name] = e
    return made


def test_enterprise_page_marks_expired_and_expiring(live_registry, make_user, login):
    client = login(make_user(Role.STAFF))
    page = client.get(reverse("enterprises:detail", args=[live_registry["已过期科技有限公司"].pk]))
    text = page.content.decode()
    assert "kj-flag-expired" in text and "已过期" in text and "已不在有效期内" in text
    page = client.get(reverse("enterprises:detail", args=[live_registry["将到期科技有限公司"].pk]))
    assert "kj-flag-expiring" in page.content.decode() and "即将到期" in page.content.decode()
    page = client.get(
        reverse("enterprises:detail", args=[live_registry["有效期内科技有限公司"].pk])
    )
    assert "qualification-flags" not in page.content.decode()


def test_registry_filter_and_staff_worklist(live_registry, make_user, login):
    staff = make_user(Role.STAFF)
    client = login(staff)
    listed = client.get(reverse("enterprises:list"), {"validity": "expiring"}).content.decode()
    assert "将到期科技有限公司" in listed and "已过期科技有限公司" not in listed
    assert "即将到期（90天内）" in listed
    listed = client.get(reverse("enterprises:list"), {"validity": "expired"}).content.decode()
    assert "已过期科技有限公司" in listed and "将到期科技有限公司" not in listed
    bad = client.get(reverse("enterprises:list"), {"validity": "x' OR 1=1"})
    assert bad.status_code == 200
    work = {item.label: item for item in items_for(staff)}
    assert work["企业资质90天内到期"].count == 1
    assert work["企业资质近一年内已过期、未重新认定"].count == 1
    assert work["企业资质90天内到期"].url.endswith("?validity=expiring")
    home = client.get(reverse("staff_home")).content.decode()
    assert "企业资质90天内到期" in home


def test_overdue_site_reviews_are_flagged(db, town, make_user, login):
    def site(name, review_in):
        return DemoSite.objects.create(
            name=name,
            kind="community",
            town=town,
            applied_on=date(2020, 1, 5),
            next_review_on=None if review_in is None else days_from_today(review_in),
        )

    site("逾期示范社区", -1)
    site("今日复核示范社区", 0)
    site("远期示范社区", 400)
    site("未定复核示范社区", None)
    assert [s.name for s in DemoSite.objects.review_overdue(timezone.localdate())] == [
        "逾期示范社区"
    ]
    fixed = DemoSite.objects.review_overdue(date(2030, 1, 1)).values_list("name", flat=True)
    assert sorted(fixed) == ["今日复核示范社区", "远期示范社区", "逾期示范社区"]
    staff = make_user(Role.STAFF, section=Section.SEISMIC)
    client = login(staff)
    page = client.get(reverse("seismic:site_list")).content.decode()
    assert page.count("复核逾期</span>") == 1 and page.count("即将复核</span>") == 1
    page = client.get(reverse("seismic:site_list"), {"review": "overdue"}).content.decode()
    assert "逾期示范社区" in page and "远期示范社区" not in page
    work = {item.label: item for item in items_for(staff)}
    assert work["示范点复核逾期"].count == 1 and work["示范点复核逾期"].urgent
