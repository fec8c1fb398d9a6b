"""Chinese names in pinyin order (何, 李, 王 … as a Chinese reader expects), not in code-point
order (which puts every 何 before 李 by accident of Unicode).

``Pinyin("name")`` is an expression for ``order_by`` (``Pinyin("name").desc()`` too): on
PostgreSQL it uses ICU's Chinese collation (``zh-x-icu``, pinyin order, in the server); on SQLite a
collation named ``pinyin`` that this module registers on every connection, comparing the
pypinyin readings (with tones) character by character and then the characters themselves, so
names that read the same keep one stable order. Other databases fall back to the plain order.
"""

from functools import lru_cache

from django.db.backends.signals import connection_created
from django.db.models import Func
from django.db.models.functions import Collate
from pypinyin import Style, lazy_pinyin

POSTGRESQL_COLLATION = "zh-x-icu"
SQLITE_COLLATION = "pinyin"


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> tuple:
    """The sort key of ``text``: each character's reading (``he2``, ``li3``), then the text."""
    if not text:
        return ((), "")
    readings = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors="default")
    return (tuple(r.lower() for r in readings), text)


def compare(left: str | None, right: str | None) -> int:
    a, b = pinyin_key(left or ""), pinyin_key(right or "")
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)


connection_created.connect(register_sqlite_collation, dispatch_uid="kejiju-pinyin-collation")


class Pinyin(Func):
    """A text column in pinyin order (for ``order_by``)."""

    template = "%(expressions)s"
    arity = 1

    def _collated(self, compiler, connection, collation):
        return Collate(self.source_expressions[0], collation).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection, **extra):
        return self._collated(compiler, connection, POSTGRESQL_COLLATION)

    def as_sqlite(self, compiler, connection, **extra):
        # registered on every new connection (above); and here too, for a connection opened
        # before this module was imported
        connection.ensure_connection()
        connection.connection.create_collation(SQLITE_COLLATION, compare)
        return self._collated(compiler, connection, SQLITE_COLLATION)
