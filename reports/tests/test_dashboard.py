"""The leadership dashboard on a fixed day (the app's clock, ``reports.dashboard.today``): the year
it opens on, its year list, the same-period (同期) comparison of the current year, the small-base
rule, targets with progress without anyone computing first, and the manage page's names."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kejiju.choices import Role
from reports import dashboard
from reports.models import IndicatorSnapshot, YearTarget
from reports.services import compute_indicators

TODAY = date(2026, 12, 6)


@pytest.fixture
def on_today(monkeypatch):
    monkeypatch.setattr(dashboard, "today", lambda: TODAY)
    return TODAY


def page(client, **params) -> str:
    response = client.get(reverse("reports:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_opens_on_the_current_year_and_lists_every_year_without_gaps(
    login, users, sample_registry, add_contracts, on_today
):
    add_contracts(2019, ["1"])
    compute_indicators(2019)  # the first year with a snapshot
    compute_indicators(2023)  # 2020–2022, 2024 and 2025 have none
    html = page(login(users[Role.LEADER]))
    assert "2026年度科技工作指标" in html
    years = dashboard.available_years()
    assert years == [2026, 2025, 2024, 2023, 2022, 2021, 2020, 2019]
    for year in years:
        assert f'<option value="{year}"' in html
    assert '<option value="2026" selected>' in html
    assert '<option value="2018"' not in html and '<option value="2027"' not in html


def test_year_list_on_an_empty_portal_is_the_current_year(login, users, sample_registry, on_today):
    assert dashboard.available_years() == [2026]
    assert dashboard.default_year() == 2026


def test_current_year_is_compared_with_the_same_period_of_last_year(
    login, users, sample_registry, add_contracts, on_today
):
    # 2025: 20 contracts by the end of November, 80 more in December (a whole year of 100).
    add_contracts(2025, ["1"] * 20, on=date(2025, 11, 30))
    add_contracts(2025, ["1"] * 80, on=date(2025, 12, 15))
    compute_indicators(2025)
    # 2026: 30 by the end of November, 5 more in the first days of December.
    add_contracts(2026, ["1"] * 30, on=date(2026, 3, 1))
    add_contracts(2026, ["1"] * 5, on=date(2026, 12, 2))
    html = page(login(users[Role.LEADER]))
    assert "1–11月同比" in html and "2026年1–11月" in html
    assert "+50.0%" in html  # 30 against 20 over 1–11月, not 35 against a whole year of 100
    assert "-65.0%" not in html and "-70.0%" not in html
    rows = {row.key: row for row in dashboard._rows(dashboard.period_of(2026), {})}
    assert rows["techmarket.contracts"].value == 30
    assert rows["techmarket.contracts"].change.previous == 20
    # A past year is compared whole year against whole year.
    html = page(login(users[Role.LEADER]), year=2025)
    assert "1–11月" not in html and "全年" in html


@pytest.mark.parametrize(
    ("on", "label", "until"),
    [
        (date(2026, 12, 6), "1–11月", date(2026, 11, 30)),
        (date(2026, 3, 1), "1–2月", date(2026, 2, 28)),
        (date(2026, 2, 10), "1月", date(2026, 1, 31)),
        (date(2026, 1, 20), "1月1–19日", date(2026, 1, 19)),
    ],
)
def test_period_label_of_the_current_year(on, label, until):
    period = dashboard.period_of(on.year, on)
    assert (period.label, period.until) == (label, until)
    assert period.previous_until == until.replace(year=on.year - 1)
    assert dashboard.period_of(on.year - 1, on).until is None


def test_leap_day_compares_with_the_28th():
    assert dashboard.same_day_a_year_before(date(2028, 2, 29)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("previous", "current", "text", "direction"),
    [
        (8, 76, "8 → 76", "up"),  # base under 10: the two values, not +850%
        (3, 2, "3 → 2", "down"),
        (10, 15, "+50.0%", "up"),
        (200, 150, "-25.0%", "down"),
        (0, 5, "0 → 5", "up"),
        (0, 0, "—", ""),
        (None, 5, "—", ""),
        (12, 12, "0.0%", ""),
    ],
)
def test_small_base_shows_the_two_values(previous, current, text, direction, settings):
    settings.KEJIJU_CHANGE_MIN_BASE = 10
    change = dashboard.Change(current, previous)
    assert change.text == text
    assert change.direction == direction


def test_small_base_is_a_setting(settings):
    settings.KEJIJU_CHANGE_MIN_BASE = 2
    assert dashboard.Change(76, 8).text == "+850.0%"


def test_expert_pool_on_a_tiny_base_shows_values_on_the_page(
    login, users, sample_registry, add_hnte, on_today
):
    add_hnte(2018, 4)
    add_hnte(2019, 5)
    compute_indicators(2018)
    compute_indicators(2019)
    html = page(login(users[Role.LEADER]), year=2019)
    assert "4 → 5" in html and "+25.0%" not in html


def test_targets_show_progress_without_pressing_a_button(
    login, users, sample_registry, add_contracts, on_today
):
    compute_indicators(2023)
    add_contracts(2024, ["1"] * 30)
    YearTarget.objects.create(
        year=2024, indicator_key="techmarket.contracts", label="登记技术合同", minimum=40
    )
    YearTarget.objects.create(year=2024, label="设立宏观观测点", minimum=5, unit="个")
    assert not IndicatorSnapshot.objects.filter(year=2024).exists()
    html = page(login(users[Role.LEADER]), year=2024)
    assert 'aria-valuenow="75.0"' in html  # 30 of 40, computed on demand
    assert html.count("不对应统计指标") == 1  # only the target in words
    assert IndicatorSnapshot.objects.filter(year=2024).exists()


def test_stale_snapshot_of_the_current_year_is_recomputed(
    login, users, sample_registry, add_contracts, on_today
):
    add_contracts(2026, ["1"] * 3, on=date(2026, 2, 1))
    snapshot = compute_indicators(2026)
    IndicatorSnapshot.objects.filter(pk=snapshot.pk).update(
        computed_at=timezone.now() - timedelta(days=3)
    )
    YearTarget.objects.create(
        year=2026, indicator_key="techmarket.contracts", label="登记技术合同", minimum=10
    )
    add_contracts(2026, ["1"] * 2, on=date(2026, 3, 1))
    html = page(login(users[Role.LEADER]))
    assert 'aria-valuenow="50.0"' in html  # 5 of 10: the two later contracts count


def test_years_outside_the_records_are_not_computed(login, users, sample_registry, on_today):
    html = page(login(users[Role.LEADER]), year=2031)
    assert "2031年度指标尚未计算" in html
    assert (
        not IndicatorSnapshot.objects.exists()
        or not IndicatorSnapshot.objects.filter(year=2031).exists()
    )


def test_manage_page_names_indicators_and_lists_years(
    login, users, sample_registry, on_today, add_contracts
):
    add_contracts(2022, ["1"])
    compute_indicators(2022)
    YearTarget.objects.create(
        year=2026, indicator_key="techmarket.contracts", label="合同目标", minimum=10
    )
    YearTarget.objects.create(year=2026, label="设立宏观观测点", minimum=5, unit="个")
    response = login(users[Role.STAFF]).get(reverse("reports:manage"))
    html = response.content.decode()
    assert "2026年目标" in html
    assert "登记技术合同" in html and "techmarket.contracts</" not in html
    assert "<code>techmarket" not in html
    assert 'type="number"' not in html.split('data-testid="year-selector"')[1].split("</form>")[0]
    for year in (2027, 2026, 2025, 2024, 2023, 2022):
        assert f'<option value="{year}"' in html
    assert '<option value="2026" selected>' in html


def test_every_registered_indicator_can_count_up_to_a_day(db):
    from reports.registry import all_indicators

    missing = [i.key for i in all_indicators() if not i.has_period]
    assert missing == []
