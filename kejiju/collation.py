"""Chinese names in pinyin order (何, 李, 王 … as a Chinese reader expects), not in code-point
order (which puts every 何 before 李 by accident of Unicode).

``Pinyin("name")`` is an expression for ``order_by`` (``Pinyin("name").desc()`` too): on
PostgreSQL it uses ICU's Chinese collation (``zh-x-icu``, pinyin order, in the server); on SQLite a
collation named ``pinyin`` that this module registers on every connection, comparing the
pypinyin readings (with tones) character by character and then the characters themselves, so
names that read the same keep one stable order. Other databases fall back to the plain order.

A model read in long lists stores that key beside the name (``sort_key``, computed on save) and
orders by ``Pinyin("name", key="name_pinyin")``: on SQLite the stored key and then the text, both
compared natively, in the same order as the collation, without a call into Python per comparison
(nor loading pypinyin's dictionaries on the first request of a process).
"""

from functools import lru_cache

from django.db.backends.signals import connection_created
from django.db.models import F, Func, TextField
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


KEY_SEPARATOR = " "  # below every letter and digit of a reading: a shorter reading sorts first
TEXT_SEPARATOR = "\x01"  # below KEY_SEPARATOR: a key that is a prefix of another sorts first


def sort_key(text: str | None) -> str:
    """``pinyin_key`` as one string whose code-point order is the order of ``pinyin_key``'s
    readings (``he2 li3``), for a column stored beside the text."""
    return KEY_SEPARATOR.join(pinyin_key(text or "")[0])


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

    def __init__(self, expression, key: str | None = None, **extra):
        # key: the field holding ``sort_key`` of ``expression`` (read on SQLite)
        extra.setdefault("output_field", TextField())
        super().__init__(expression, *([F(key)] if key else []), **extra)

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])

    def _collated(self, compiler, connection, collation):
        return Collate(self.source_expressions[0], collation).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection, **extra):
        return self._collated(compiler, connection, POSTGRESQL_COLLATION)

    def as_sqlite(self, compiler, connection, **extra):
        if len(self.source_expressions) == 2:
            # the stored readings, then the text: the collation's order, compared natively
            text_sql, text_params = compiler.compile(self.source_expressions[0])
            key_sql, key_params = compiler.compile(self.source_expressions[1])
            return (
                f"(COALESCE({key_sql}, '') || %s || {text_sql})",
                [*key_params, TEXT_SEPARATOR, *text_params],
            )
        # registered on every new connection (above); and here too, for a connection opened
        # before this module was imported
        connection.ensure_connection()
        connection.connection.create_collation(SQLITE_COLLATION, compare)
        return self._collated(compiler, connection, SQLITE_COLLATION)
