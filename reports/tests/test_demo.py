"""The demo county end to end: every app's demo records, then the reports demo (DESIGN.md §6)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from reports.models import Honour, IndicatorSnapshot, NarrativeParagraph, YearTarget

# seed/README.md, "Its figures for 2023"
SEED_2023 = {
    "techmarket.turnover": 258310,
    "patent.invention.applications": 1125,
    "patent.invention.grants": 171,
    "hnte.new": 28,
    "hnte.rerecognized": 20,
    "hnte.total": 132,
    "tech_sme.new": 95,
    "tech_sme.total": 295,
    "city_tech.new": 94,
    "top100.count": 22,
    "rd.institute.new": 1,
    "rd.institute.total": 5,
    "rd.hnte_center.new": 4,
    "rd.hnte_center.total": 25,
    "rd.city_center.new": 17,
    "rd.city_center.total": 56,
    "projects.torch.applied": 20,
    "projects.torch.approved": 12,
    "projects.prov_major.applied": 6,
    "projects.prov_major.approved": 1,
    "projects.prov_new_product.applied": 310,
    "projects.prov_new_product.approved": 240,
    "projects.agri_major.approved": 3,
    "projects.agri_major.funding": 60,
    "projects.prov_agri_transfer.applied": 3,
    "projects.prov_agri_transfer.approved": 1,
    "projects.prov_agri_transfer.funding": 30,
    "projects.commissioner.approved": 21,
    "projects.commissioner.funding": 136,
    "patent_demo.provincial.new": 6,
    "patent_demo.city.new": 6,
    "patent_demo.county.new": 21,
    "patent.disputes.mediated": 17,
    "auction.enterprises": 7,
    "auction.deals": 7,
    "auction.amount": 2350,
    "experts.total": 573,
    "seismic.publicity.participants": 150000,
    "seismic.publicity.materials": 1000,
}


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_county_reproduces_the_seed_and_loads_twice_without_duplicates(monkeypatch, tmp_path):
    from kejiju import demo

    # the demo accounts' passwords of the developer's database stay where they are
    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "demo-logins.json")
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    snapshot = IndicatorSnapshot.objects.get(year=2023)
    values = {row.key: row for row in snapshot.values.all()}
    for key, expected in SEED_2023.items():
        assert values[key].value == expected, key
    assert values["patent.invention.grants"].yoy == Decimal("72.73")
    assert values["patent.invention.applications"].yoy == Decimal("119.30")
    assert set(IndicatorSnapshot.objects.values_list("year", flat=True)) == set(range(2019, 2024))
    assert YearTarget.objects.filter(year=2024).count() == 10
    assert (
        YearTarget.objects.get(year=2024, indicator_key="tech_sme.new").target_text == "120–125家"
    )
    assert Honour.objects.filter(year=2023).count() == 5
    assert NarrativeParagraph.objects.filter(year=2023).count() == 8
