"""The demo county of enterprises, projects, experts and seismic work reproduces the seed
document's 2023 figures (seed/README.md) and loads idempotently."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction

from enterprises import demo as enterprises_demo
from experts import demo as experts_demo
from kejiju.codes import credit_code_error
from projects import demo as projects_demo
from seismic import demo as seismic_demo

SEED_2023 = {
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
    "auction.enterprises": 7,
    "auction.deals": 7,
    "auction.amount": 2350,
    "techmarket.turnover": 258310,
    "experts.total": 573,
    "seismic.publicity.participants": 150000,
    "seismic.publicity.materials": 1000,
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
