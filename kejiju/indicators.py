"""How an app declares its yearly indicators.

Each app lists them once in ``<app>/indicators.py`` as ``INDICATORS`` (a list of
:class:`Indicator`, or a function returning one when the keys depend on reference data, such as
one set per plan category). The reports app collects them; each value is one SQL aggregate.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Aggregate, QuerySet

from .choices import ReportSection


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    section: ReportSection
    queryset: Callable[[int], QuerySet]  # the rows that count for year Y
    aggregate: Aggregate  # e.g. Count("pk"), Sum("amount"), Count("enterprise", distinct=True)
    order: int = 100

    def compute(self, year: int) -> Decimal:
        value = self.queryset(year).aggregate(value=self.aggregate)["value"]
        return Decimal(value or 0)
