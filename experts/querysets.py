"""Reads of the expert pool."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from .choices import ExpertStatus


class ExpertQuerySet(models.QuerySet):
    def active(self) -> ExpertQuerySet:
        return self.filter(status=ExpertStatus.ACTIVE)

    def in_pool_on(self, day: date) -> ExpertQuerySet:
        """Experts 在库 who had entered the pool by ``day``; a blank 入库日期 predates the records."""
        return self.active().filter(Q(entered_on__isnull=True) | Q(entered_on__lte=day))


class DrawMemberQuerySet(models.QuerySet):
    def assigned_to(self, user) -> DrawMemberQuerySet:
        """The places of the logged-in expert on draws still in force."""
        if not user.is_authenticated or not user.expert_id:
            return self.none()
        return self.filter(expert_id=user.expert_id, draw__superseded_by__isnull=True)
