"""Reads of projects, technology contracts and auction deals by category and date."""

from __future__ import annotations

from django.db import models


class ProjectQuerySet(models.QuerySet):
    def in_category(self, code: str) -> ProjectQuerySet:
        """Projects of a plan category, by its stable code."""
        return self.filter(category__code=code)

    def applied_in(self, year: int) -> ProjectQuerySet:
        return self.filter(applied_on__year=year)

    def approved_in(self, year: int) -> ProjectQuerySet:
        return self.filter(approved_on__year=year)

    def visible_to(self, user) -> ProjectQuerySet:
        """Bureau staff and leaders see every project; an enterprise only its own; nobody else
        any (the superuser flag counts for nothing)."""
        from kejiju.choices import Role

        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.STAFF, Role.ADMIN, Role.LEADER):
            return self
        if user.has_role(Role.ENTERPRISE) and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        return self.none()

    def online(self) -> ProjectQuerySet:
        """Projects filed against a call on this site (they have a lifecycle stage)."""
        return self.exclude(stage="")

    def overdue(self) -> ProjectQuerySet:
        from django.utils import timezone

        return self.filter(stage="executing", ends_on__lt=timezone.localdate())


class TechContractQuerySet(models.QuerySet):
    def registered_in(self, year: int) -> TechContractQuerySet:
        return self.filter(registered_on__year=year)


class AuctionDealQuerySet(models.QuerySet):
    def dealt_in(self, year: int) -> AuctionDealQuerySet:
        return self.filter(dealt_on__year=year)


class CallQuerySet(models.QuerySet):
    def open_now(self) -> CallQuerySet:
        from django.utils import timezone

        now = timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def with_public_results(self) -> CallQuerySet:
        """Calls whose public notice has started or whose approved list is published."""
        return self.filter(
            models.Q(notice_starts_on__isnull=False) | models.Q(results_published_at__isnull=False)
        )


class DraftQuerySet(models.QuerySet):
    def visible_to(self, user) -> DraftQuerySet:
        """An application draft is the enterprise's own: only its users reach it (anyone else,
        bureau staff included, gets nothing; the views answer 404 or 403)."""
        from kejiju.choices import Role

        if user.is_authenticated and user.has_role(Role.ENTERPRISE) and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        return self.none()
