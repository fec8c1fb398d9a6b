"""Reads of the patents app. ``visible_to(user)`` is the only way views obtain patents."""

from __future__ import annotations

import datetime as dt

from django.db import models

from kejiju.choices import Role

from .choices import DisputeOutcome, LegalStatus, PatentType

BUREAU_ROLES = (Role.STAFF, Role.ADMIN, Role.LEADER)


class PatentQuerySet(models.QuerySet):
    def visible_to(self, user) -> PatentQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*BUREAU_ROLES):
            return self
        if user.has_role(Role.ENTERPRISE) and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        return self.none()

    def inventions(self) -> PatentQuerySet:
        return self.filter(kind=PatentType.INVENTION)

    def of_kind(self, kind: str) -> PatentQuerySet:
        return self.filter(kind=kind)

    def filed_in(self, year: int) -> PatentQuerySet:
        return self.filter(filed_on__gte=dt.date(year, 1, 1), filed_on__lt=dt.date(year + 1, 1, 1))

    def granted_in(self, year: int) -> PatentQuerySet:
        return self.filter(
            granted_on__gte=dt.date(year, 1, 1), granted_on__lt=dt.date(year + 1, 1, 1)
        )

    def valid_at_end_of(self, year: int) -> PatentQuerySet:
        """Granted on or before 31 Dec ``year`` and not lapsed."""
        return self.filter(granted_on__lte=dt.date(year, 12, 31)).exclude(
            legal_status=LegalStatus.LAPSED
        )

    def unlinked(self) -> PatentQuerySet:
        return self.filter(enterprise__isnull=True)

    def for_list(self) -> PatentQuerySet:
        return self.select_related("enterprise", "enterprise__town")


class DisputeCaseQuerySet(models.QuerySet):
    def mediated_in(self, year: int) -> DisputeCaseQuerySet:
        return self.filter(
            outcome=DisputeOutcome.MEDIATED,
            closed_on__gte=dt.date(year, 1, 1),
            closed_on__lt=dt.date(year + 1, 1, 1),
        )


def counts_by_year(queryset: PatentQuerySet, field: str, first: int, last: int) -> dict:
    """``{(year, kind): count}`` of ``queryset`` by the year of ``field``, in one query."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    rows = (
        queryset.filter(
            **{f"{field}__gte": dt.date(first, 1, 1), f"{field}__lt": dt.date(last + 1, 1, 1)}
        )
        .annotate(year=ExtractYear(field))
        .values("year", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["year"], row["kind"]): row["n"] for row in rows}
