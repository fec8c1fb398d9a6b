"""How an app declares its yearly indicators.

Each app lists them once in ``<app>/indicators.py`` as ``INDICATORS`` (a list of
:class:`Indicator`, or a function returning one when the keys depend on reference data, such as
one set per plan category). The reports app collects them; each value is one SQL aggregate.

For the comparison of a year still running with the same period of the previous year (同期), an
indicator says how to count "up to a day": a flow names its ``date_field`` (the rows of the year
dated up to that day count), a stock gives ``as_of`` (the rows standing on that day). An indicator
with neither has no year-to-date value.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
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
    date_field: str = ""  # a flow: the date that places a row in its year
    as_of: Callable[[date], QuerySet] | None = None  # a stock: the rows standing on a day

    def compute(self, year: int) -> Decimal:
        value = self.queryset(year).aggregate(value=self.aggregate)["value"]
        return Decimal(value or 0)

    @property
    def has_period(self) -> bool:
        return bool(self.date_field or self.as_of)

    def compute_until(self, year: int, day: date) -> Decimal | None:
        """The value of ``year`` counting only up to ``day`` (in that year); None when the
        indicator cannot say."""
        if self.as_of is not None:
            queryset = self.as_of(day)
        elif self.date_field:
            queryset = self.queryset(year).filter(**{f"{self.date_field}__lte": day})
        else:
            return None
        value = queryset.aggregate(value=self.aggregate)["value"]
        return Decimal(value or 0)
