from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kejiju.choices import ReportSection
from kejiju.indicators import Indicator
from reports import registry
from reports.tests import sample_indicators

# DESIGN.md §4, without the per-plan-category keys (checked separately).
DESIGN_KEYS = """
hnte.new hnte.rerecognized hnte.total tech_sme.new tech_sme.total city_tech.new top100.count
rd.key_institute.new rd.key_institute.total rd.institute.new rd.institute.total
rd.hnte_center.new rd.hnte_center.total rd.city_center.new rd.city_center.total
patent.invention.applications patent.invention.grants patent.utility.applications
patent.design.applications patent.all.grants patent.invention.valid
patent_demo.provincial.new patent_demo.city.new patent_demo.county.new patent.disputes.mediated
techmarket.turnover techmarket.contracts auction.deals auction.amount auction.enterprises
experts.total seismic.publicity.participants seismic.publicity.materials seismic.drills
""".split()


def test_an_app_without_indicators_module_is_skipped():
    assert registry.discover([SimpleNamespace(name="reports")]) == []


def test_discover_collects_a_module_and_a_callable(monkeypatch):
    import sys
    import types

    module = types.ModuleType("fakeapp.indicators")
    module.INDICATORS = lambda: list(reversed(sample_indicators.INDICATORS))
    package = types.ModuleType("fakeapp")
    monkeypatch.setitem(sys.modules, "fakeapp", package)
    monkeypatch.setitem(sys.modules, "fakeapp.indicators", module)
    found = registry.discover([SimpleNamespace(name="fakeapp")])
    assert [i.key for i in found] == [
        "hnte.new",
        "hnte.total",
        "techmarket.turnover",
        "techmarket.contracts",
    ]
    sections = [i.section for i in found]
    assert sections == sorted(sections, key=list(ReportSection).index)


def _indicator(key, section=ReportSection.IP):
    return Indicator(key, "标签", "件", section, lambda y: None, None)


@pytest.mark.parametrize("key", ["Hnte.total", "total", "a.b.yoy", "a b.c"])
def test_invalid_keys_are_refused(key):
    with pytest.raises(ImproperlyConfigured):
        registry.validate([_indicator(key)])


def test_duplicate_keys_are_refused():
    with pytest.raises(ImproperlyConfigured, match="twice"):
        registry.validate([_indicator("a.b"), _indicator("a.b")])


def test_compute_issues_one_query_per_indicator_whatever_the_rows(
    sample_registry, add_contracts, add_hnte
):
    add_contracts(2023, [10, 20])
    add_hnte(2023, 2)
    with CaptureQueriesContext(connection) as few_rows:
        registry.compute_all(2023)
    add_contracts(2023, list(range(1, 300)))
    add_hnte(2023, 30)
    with CaptureQueriesContext(connection) as many_rows:
        values = registry.compute_all(2023)
    assert len(few_rows) == len(many_rows) == len(sample_registry)
    assert values["techmarket.contracts"] == 301
    assert values["hnte.new"] == 32


@pytest.mark.django_db
def test_every_key_of_the_design_is_declared():
    """DESIGN.md §4: every key, including one triple per plan category."""
    keys = {indicator.key for indicator in registry.all_indicators()}
    missing = [key for key in DESIGN_KEYS if key not in keys]
    assert not missing, f"indicators not declared yet: {missing}"
    from kejiju.models import PlanCategory

    for code in PlanCategory.objects.values_list("code", flat=True):
        for suffix in ("applied", "approved", "funding"):
            assert f"projects.{code}.{suffix}" in keys


def test_all_declared_indicators_take_one_query_each_whatever_the_rows(add_contracts, add_hnte):
    indicators = registry.all_indicators()
    with CaptureQueriesContext(connection) as empty:
        registry.compute_all(2023, indicators)
    add_contracts(2023, list(range(1, 200)))
    add_hnte(2023, 25)
    with CaptureQueriesContext(connection) as filled:
        values = registry.compute_all(2023, indicators)
    assert len(empty) == len(filled) == len(indicators)
    assert values["techmarket.contracts"] == 199 and values["hnte.new"] == 25
