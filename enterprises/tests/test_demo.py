"""The demo county of enterprises, projects, experts and seismic work reproduces the seed
document's 2023 figures (seed/README.md) and loads idempotently."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction

from conftest import SEED_FIGURES_2023
from enterprises import demo as enterprises_demo
from experts import demo as experts_demo
from kejiju.codes import credit_code_error
from projects import demo as projects_demo
from seismic import demo as seismic_demo

# The seed's 2023 figures of the apps loaded here (the patents demo is not).
SEED_2023 = {
    key: value for key, value in SEED_FIGURES_2023.items() if not key.startswith("patent.")
}

DEMOS = [enterprises_demo, experts_demo, projects_demo, seismic_demo]
APPS = ["enterprises", "experts", "projects", "seismic"]


def declared():
    from enterprises.indicators import INDICATORS as enterprises
    from experts.indicators import INDICATORS as experts
    from projects.indicators import INDICATORS as projects
    from seismic.indicators import INDICATORS as seismic

    return {i.key: i for i in [*enterprises, *experts, *projects(), *seismic]}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for name in APPS
        for model in apps.get_app_config(name).get_models()
    }


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """Loaded once for the module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        for module in DEMOS:
            module.load()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_2023_values_are_the_seed_documents(demo_county):
    indicators = declared()
    values = {key: indicators[key].compute(2023) for key in SEED_2023}
    assert values == {key: Decimal(value) for key, value in SEED_2023.items()}


@pytest.mark.django_db
def test_2022_is_a_little_lower_and_2024_has_a_few_records(demo_county):
    indicators = declared()
    for key in ["hnte.new", "hnte.total", "tech_sme.total", "techmarket.turnover", "experts.total"]:
        assert 0 < indicators[key].compute(2022) < indicators[key].compute(2023), key
    for key in ["hnte.new", "techmarket.contracts", "seismic.drills"]:
        assert indicators[key].compute(2024) > 0, key
    assert all(indicators[key].compute(2019) > 0 for key in ["hnte.total", "auction.deals"])


@pytest.mark.django_db
def test_a_second_load_changes_nothing(demo_county):
    before = row_counts()
    for module in DEMOS:
        module.load()
    assert row_counts() == before


@pytest.mark.django_db
def test_demo_records_are_valid(demo_county):
    from enterprises.models import Enterprise
    from experts.models import Expert
    from projects.models import Project

    assert not [e.credit_code for e in Enterprise.objects.all() if credit_code_error(e.credit_code)]
    assert not Project.objects.filter(funding__lte=0).exists()
    per_specialty = Expert.objects.in_pool_on(date(2023, 12, 31)).values_list(
        "specialties", flat=True
    )
    counts = {s: list(per_specialty).count(s) for s in set(per_specialty)}
    assert all(20 <= n <= 30 for n in counts.values()), counts


@pytest.mark.django_db
def test_each_value_is_one_aggregate_query(demo_county, django_assert_num_queries):
    for indicator in declared().values():
        with django_assert_num_queries(1):
            indicator.compute(2023)
