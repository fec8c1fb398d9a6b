import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from reports.models import IndicatorSnapshot, IndicatorValue
from reports.services import compute_indicators, year_on_year


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (171, 99, Decimal("72.73")),
        (1125, 513, Decimal("119.30")),
        (90, 100, Decimal("-10.00")),
        (5, 5, Decimal("0.00")),
        (5, 0, None),
        (5, None, None),
    ],
)
def test_year_on_year(current, previous, expected):
    assert (
        year_on_year(Decimal(current), None if previous is None else Decimal(previous)) == expected
    )


def test_snapshot_is_idempotent_and_follows_corrections(sample_registry, add_contracts):
    add_contracts(2023, ["100.50", "200"])
    first = compute_indicators(2023)
    compute_indicators(2023)
    assert IndicatorSnapshot.objects.count() == 1
    assert IndicatorValue.objects.filter(snapshot=first).count() == len(sample_registry)
    add_contracts(2023, ["50"])
    compute_indicators(2023)
    values = dict(first.values.values_list("key", "value"))
    assert values["techmarket.turnover"] == Decimal("350.50")
    assert values["techmarket.contracts"] == 3
    assert values["hnte.new"] == 0


def test_yoy_is_stored_against_previous_year_and_refreshed(sample_registry, add_contracts):
    add_contracts(2022, [1] * 99)
    add_contracts(2023, [1] * 171)
    compute_indicators(2022)
    snapshot = compute_indicators(2023)
    row = snapshot.values.get(key="techmarket.contracts")
    assert row.yoy == Decimal("72.73")
    # A zero previous value gives no change rather than a division by zero.
    assert snapshot.values.get(key="hnte.new").yoy is None
    # Correcting 2022 afterwards refreshes the 2023 change.
    add_contracts(2022, [1] * 414)  # 513 in 2022
    IndicatorValue.objects.all().delete()
    compute_indicators(2023)
    add_contracts(2023, [1] * (1125 - 171))
    compute_indicators(2023)
    compute_indicators(2022)
    assert snapshot.values.get(key="techmarket.contracts").yoy == Decimal("119.30")


def test_compute_command_and_show_json(sample_registry, add_contracts, add_hnte):
    add_contracts(2023, ["258310"])
    add_hnte(2023, 3)
    out = StringIO()
    call_command("compute_indicators", "--year", "2023", stdout=out)
    assert "2023年度指标已保存" in out.getvalue()
    out = StringIO()
    call_command("show_indicators", "--year", "2023", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data == {
        "hnte.new": 3,
        "hnte.total": 3,
        "techmarket.turnover": 258310,
        "techmarket.contracts": 1,
    }
    assert isinstance(data["hnte.new"], int)


def test_show_json_without_records_prints_zero_for_every_key(sample_registry, db):
    out = StringIO()
    call_command("show_indicators", "--year", "2001", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {i.key: 0 for i in sample_registry}


def test_show_json_prints_decimals_as_numbers(sample_registry, add_contracts):
    add_contracts(2023, ["12.34"])
    compute_indicators(2023)
    out = StringIO()
    call_command("show_indicators", "--year", "2023", "--json", stdout=out)
    assert json.loads(out.getvalue())["techmarket.turnover"] == 12.34


def test_nightly_task_recomputes_current_and_previous_year(sample_registry, db):
    from django.utils import timezone

    from reports.tasks import recompute_recent_years

    year = timezone.localdate().year
    assert recompute_recent_years.delay().get() == [year - 1, year]
    assert set(IndicatorSnapshot.objects.values_list("year", flat=True)) == {year - 1, year}
