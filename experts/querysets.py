"""Reads of the expert pool."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connections, models
from django.db.models import Q

from .choices import ExpertStatus


class ExpertQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # save() is skipped: the pinyin sort keys are filled here
        objs = list(objs)
        for expert in objs:
            expert.fill_sort_keys()
        return super().bulk_create(objs, *args, **kwargs)

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


class DrawExclusionQuerySet(models.QuerySet):
    BATCH = 500  # rows per statement, well under SQLite's limit on parameters

    def insert_rows(self, rows: Iterable[tuple[int, int, str, str]]) -> None:
        """Inserts (draw id, expert id, rule, detail) rows with multi-row INSERT statements.

        A draw excludes hundreds of experts at a time; building a model instance for each and
        letting bulk_create prepare every field costs several times the insert itself."""
        connection = connections[self.db]
        quote = connection.ops.quote_name
        meta = self.model._meta
        columns = ", ".join(
            quote(meta.get_field(name).column) for name in ("draw", "expert", "rule", "detail")
        )
        rows = list(rows)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.BATCH):
                batch = rows[start : start + self.BATCH]
                cursor.execute(
                    f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
                    + ", ".join(["(%s, %s, %s, %s)"] * len(batch)),
                    [value for row in batch for value in row],
                )
