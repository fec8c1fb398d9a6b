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


class TechContractQuerySet(models.QuerySet):
    def registered_in(self, year: int) -> TechContractQuerySet:
        return self.filter(registered_on__year=year)


class AuctionDealQuerySet(models.QuerySet):
    def dealt_in(self, year: int) -> AuctionDealQuerySet:
        return self.filter(dealt_on__year=year)
