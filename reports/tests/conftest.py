from datetime import date
from decimal import Decimal

import pytest

from reports.tests import sample_indicators


@pytest.fixture
def sample_registry(monkeypatch):
    """The registry reduced to the sample indicators, whatever the other apps declare."""
    from reports import registry

    indicators = registry.validate(sample_indicators.INDICATORS)
    monkeypatch.setattr(registry, "all_indicators", lambda: list(indicators))
    return indicators


@pytest.fixture
def add_contracts(db):
    from projects.models import TechContract

    counter = iter(range(1, 10**6))

    def add(year: int, amounts: list[str | int], on: date | None = None) -> None:
        TechContract.objects.bulk_create(
            TechContract(
                registration_no=f"T{year}-{next(counter):06d}",
                name="技术开发合同",
                kind="development",
                seller="温州大学",
                buyer="瑞安测试科技有限公司",
                amount=Decimal(str(amount)),
                registered_on=on or date(year, 6, 1),
            )
            for amount in amounts
        )

    return add


@pytest.fixture
def add_hnte(db, town):
    from enterprises.models import Enterprise, Qualification
    from kejiju.codes import make_credit_code

    counter = iter(range(5000, 10**6))

    def add(year: int, count: int, recognition: str = "first") -> None:
        for _ in range(count):
            enterprise = Enterprise.objects.create(
                credit_code=make_credit_code(next(counter)), name=f"企业{next(counter)}", town=town
            )
            Qualification.objects.create(
                enterprise=enterprise,
                kind="hnte",
                level="national",
                recognition=recognition,
                recognized_on=date(year, 11, 1),
                valid_until=date(year + 3, 10, 31),
            )

    return add
