"""The demo county end to end: every app's demo records, then the reports demo (DESIGN.md §6)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from conftest import SEED_FIGURES_2023 as SEED_2023
from reports.models import Honour, IndicatorSnapshot, NarrativeParagraph, YearTarget

# seed/README.md, "Its figures for 2023"


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
    from django.utils import timezone

    from kejiju.demo_recent import yesterday
    from patents.models import Patent
    from projects.models import TechContract

    # the records run up to yesterday, never beyond
    latest = TechContract.objects.order_by("-registered_on")[0].registered_on
    assert yesterday() - timedelta(days=45) <= latest <= yesterday() < timezone.localdate()
    assert Patent.objects.order_by("-filed_on")[0].filed_on <= yesterday()
    assert Patent.objects.filter(filed_on__year=yesterday().year).count() > 0
    assert set(IndicatorSnapshot.objects.values_list("year", flat=True)) == set(
        range(2019, yesterday().year + 1)
    )
    assert YearTarget.objects.filter(year=2024).count() == 10
    assert YearTarget.objects.filter(year=yesterday().year).count() == 10
    assert (
        YearTarget.objects.get(year=2024, indicator_key="tech_sme.new").target_text == "120–125家"
    )
    assert Honour.objects.filter(year=2023).count() == 5
    assert NarrativeParagraph.objects.filter(year=2023).count() == 9  # with 存在的问题
