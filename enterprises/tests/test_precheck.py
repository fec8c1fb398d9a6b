"""The pre-check against DOMAIN.md §1 and §2, on a table of boundary cases."""

from datetime import date

import pytest

from enterprises import precheck
from enterprises.models import RuleSet

pytestmark = pytest.mark.django_db

ON = date(2024, 5, 1)
FIELDS = {"新材料", "电子信息"}


def hnte_rules():
    return RuleSet.objects.effective_on("hnte", ON)


def sme_rules():
    return RuleSet.objects.effective_on("tech_sme", ON)


def hnte_figures(**changes):
    """A 高新技术企业 that meets every condition, most of them exactly at the threshold."""
    figures = {
        "registered_on": "2023-05-02",  # 365 days before ON
        "owns_ip": True,
        "ip_class1": 1,
        "ip_class2": 5,
        "tech_field": "新材料",
        "staff_total": 100,
        "st_staff": 10,  # 10.00%
        "sales_1": "4000",
        "sales_2": "4500",
        "sales_3": "5000",
        "rd_1": "200",
        "rd_2": "225",
        "rd_3": "250",  # 675 / 13500 = 5.00%
        "rd_domestic": "405",  # 60.00%
        "total_revenue": "5000",
        "hitech_revenue": "3000",  # 60.00%
        "net_assets_1": "1000",
        "net_assets_2": "1400",
        "net_assets_3": "1960",  # +40% → 9–10
        "conversions": 15,  # 5 a year → 25–30
        "ip_score": 20,
        "org_score": 15,
        "no_incident": True,
    }
    figures.update(changes)
    return figures


def check(figures, scores=None):
    return precheck.hnte(figures, hnte_rules(), on=ON, tech_fields=FIELDS, scores=scores)


def condition(result, key):
    return next(c for c in result.conditions if c.key == key)


def test_the_base_case_passes_with_its_score_range():
    result = check(hnte_figures())
    assert all(c.met for c in result.conditions), [c for c in result.conditions if not c.met]
    # 知识产权 20 + 转化 25–30 + 组织 15 + 成长性 (9–10 + 3–4)
    assert (result.score_low, result.score_high) == (72, 79)
    assert result.verdict == "pass"
    assert condition(result, "rd_ratio").detail.startswith(
        "研发费用 675.00万元 / 销售收入 13500.00万元 = 5.00%"
    )


@pytest.mark.parametrize(
    "changes, key, met",
    [
        ({"registered_on": "2023-05-02"}, "registered", True),
        ({"registered_on": "2023-05-03"}, "registered", False),  # 364 days
        ({"st_staff": 10}, "st_staff", True),
        ({"st_staff": 9}, "st_staff", False),
        # R&D at 5000万元 latest-year sales: 5% needed
        ({"rd_3": "250"}, "rd_ratio", True),  # 675 / 13500 = 5.00%
        ({"rd_3": "248.65"}, "rd_ratio", False),  # 673.65 / 13500 = 4.99%
        # Just above 5000万元 the 4% band applies
        (
            {
                "sales_1": "5001",
                "sales_2": "5001",
                "sales_3": "5001",
                "rd_1": "200.04",
                "rd_2": "200.04",
                "rd_3": "200.04",
                "rd_domestic": "360.08",
            },
            "rd_ratio",
            True,
        ),
        (
            {
                "sales_1": "5001",
                "sales_2": "5001",
                "sales_3": "5001",
                "rd_1": "200",
                "rd_2": "200",
                "rd_3": "200",
                "rd_domestic": "360",
            },
            "rd_ratio",
            False,
        ),  # 3.999%
        # Above 2亿元: 3%
        (
            {
                "sales_1": None,
                "sales_2": None,
                "sales_3": "20001",
                "rd_1": None,
                "rd_2": None,
                "rd_3": "600.03",
                "rd_domestic": "600",
            },
            "rd_ratio",
            True,
        ),
        ({"rd_domestic": "405"}, "rd_domestic", True),
        ({"rd_domestic": "404.99"}, "rd_domestic", False),
        ({"hitech_revenue": "3000"}, "hitech_revenue", True),
        ({"hitech_revenue": "2999.99"}, "hitech_revenue", False),
        ({"tech_field": "家具制造"}, "field", False),
        ({"owns_ip": False}, "ip", False),
        ({"ip_class1": 0, "ip_class2": 0}, "ip", False),
        ({"no_incident": False}, "no_incident", False),
    ],
)
def test_hnte_condition_boundaries(changes, key, met):
    result = check(hnte_figures(**changes))
    assert condition(result, key).met is met
    assert (result.verdict == "fail") is (not met)


def test_score_70_fails_and_71_passes():
    # 知识产权 18 + 组织 14 (self-assessed) + the reviewer's 转化 and 成长性 within their bands
    at_70 = check(hnte_figures(ip_score=18, org_score=14), scores={"conversion": 26, "growth": 12})
    at_71 = check(hnte_figures(ip_score=18, org_score=14), scores={"conversion": 27, "growth": 12})
    assert at_70.score_text == "70" and condition(at_70, "score").met is False
    assert at_70.verdict == "fail"
    assert at_71.score_text == "71" and condition(at_71, "score").met is True
    assert at_71.verdict == "pass"


def test_a_range_straddling_70_is_undecided_until_scored():
    result = check(hnte_figures(ip_score=18, org_score=10))  # 18 + 25–30 + 10 + 12–14 = 65–72
    assert (result.score_low, result.score_high) == (65, 72)
    assert condition(result, "score").met is None
    assert result.verdict == "uncertain"


def test_a_reviewer_score_outside_the_band_is_held_to_it():
    result = check(hnte_figures(), scores={"conversion": 5})
    item = next(i for i in result.items if i.key == "conversion")
    assert item.low == item.high == 25


@pytest.mark.parametrize(
    "conversions, band",
    [
        (15, (25, 30)),
        (14, (19, 24)),
        (12, (19, 24)),
        (9, (13, 18)),
        (6, (7, 12)),
        (3, (1, 6)),
        (2, (0, 0)),
        (0, (0, 0)),
    ],
)
def test_conversion_bands_by_yearly_average(conversions, band):
    item = next(
        i for i in check(hnte_figures(conversions=conversions)).items if i.key == "conversion"
    )
    assert (item.low, item.high) == band


@pytest.mark.parametrize(
    "assets, band",
    [
        (("100", "135", "182.25"), (9, 10)),  # +35%
        (("100", "125", "156.25"), (7, 8)),  # +25%
        (("100", "115", "132.25"), (5, 6)),
        (("100", "105", "110.25"), (3, 4)),
        (("100", "101", "102.01"), (1, 2)),
        (("100", "100", "100"), (0, 0)),  # 0% is not > 0
        (("100", "90", "81"), (0, 0)),
    ],
)
def test_growth_bands_are_marked_unverified(assets, band):
    figures = hnte_figures(
        net_assets_1=assets[0],
        net_assets_2=assets[1],
        net_assets_3=assets[2],
        sales_1="5000",
        sales_2="5000",
        sales_3="5000",
        rd_1="250",
        rd_2="250",
        rd_3="250",
        rd_domestic="750",
    )
    item = next(i for i in check(figures).items if i.key == "growth")
    assert (item.low, item.high) == band  # sales flat: 0
    assert item.unverified


def test_a_younger_enterprise_uses_the_years_it_has():
    figures = hnte_figures(sales_1=None, rd_1=None, net_assets_1=None, rd_domestic="285")
    result = check(figures)
    assert "2 个会计年度" in condition(result, "rd_ratio").label
    assert condition(result, "rd_ratio").met  # 475 / 9500 = 5%


# ---- 科技型中小企业 -------------------------------------------------------------------------


def sme_figures(**changes):
    figures = {
        "resident_taxed": True,
        "not_restricted": True,
        "no_violation": True,
        "staff_total": 100,
        "st_staff": 10,  # 10% → 4
        "sales": "5000",
        "assets": "8000",
        "rd": "300",  # 6% → 50
        "cost_total": "4000",
        "ip_class1": 0,
        "ip_class2": 1,  # → 6
    }
    figures.update(changes)
    return figures


def sme(figures):
    return precheck.tech_sme(figures, sme_rules())


def test_sme_score_60_passes_and_59_fails():
    assert sme(sme_figures()).score_text == "60"
    assert sme(sme_figures()).verdict == "pass"
    result = sme(sme_figures(rd="299.95"))  # 5.999% → 40; cost basis 7.5% → 0
    assert result.score_text == "50" and result.verdict == "fail"


def test_sme_st_staff_score_0_fails_whatever_the_total():
    result = sme(sme_figures(st_staff=9, ip_class1=1))  # 0 + 50 + 30 = 80
    assert result.score_text == "80"
    assert condition(result, "st_score").met is False
    assert result.verdict == "fail"


def test_sme_takes_the_better_rd_basis():
    result = sme(sme_figures(rd="1200", sales="100000", assets="100"))  # sales basis 1.2%; cost 30%
    assert next(i for i in result.items if i.key == "rd").low == 50


@pytest.mark.parametrize(
    "changes, met",
    [
        ({"staff_total": 500, "st_staff": 50}, True),
        ({"staff_total": 501, "st_staff": 51}, False),
        ({"sales": "20000", "rd": "1200"}, True),
        ({"sales": "20000.01", "rd": "1200"}, False),
        ({"assets": "20000"}, True),
        ({"assets": "20000.01"}, False),
    ],
)
def test_sme_size_limits(changes, met):
    assert condition(sme(sme_figures(**changes)), "size").met is met


def test_sme_direct_qualification_waives_the_score_not_the_conditions():
    result = sme(sme_figures(st_staff=0, rd="0", ip_class2=0, has_hnte=True))
    assert result.verdict == "pass"
    result = sme(sme_figures(has_hnte=True, assets="30000"))
    assert result.verdict == "fail"


def test_thresholds_come_from_the_rule_version_in_force():
    rules = hnte_rules()
    RuleSet.objects.filter(pk=rules.pk).update(effective_to=date(2024, 12, 31))
    newer = dict(rules.thresholds, min_st_staff_ratio="12")
    RuleSet.objects.create(
        kind="hnte", version="2025 修订", effective_from=date(2025, 1, 1), thresholds=newer
    )
    assert RuleSet.objects.effective_on("hnte", ON).pk == rules.pk
    later = RuleSet.objects.effective_on("hnte", date(2025, 3, 1))
    result = precheck.hnte(hnte_figures(), later, on=date(2025, 3, 1), tech_fields=FIELDS)
    assert condition(result, "st_staff").met is False
    assert "≥ 12%" in condition(result, "st_staff").label


def test_rd_institution_conditions_are_all_marked_unverified():
    rules = RuleSet.objects.effective_on("rd_institution", ON)
    figures = {"rd_staff": 10, "rd_ratio": "3", "equipment_value": "100", "floor_area": "200"}
    result = precheck.rd_institution(figures, rules)
    assert result.verdict == "pass"
    assert all(c.unverified for c in result.conditions)
    result = precheck.rd_institution({**figures, "rd_ratio": "2.99"}, rules)
    assert condition(result, "rd_ratio").met is False and result.verdict == "fail"
