"""The base of every spreadsheet layout (DESIGN.md §3).

A layout is a django-import-export ``ModelResource`` with a ``layout`` name, declared once in
``<app>/resources.py``. Its fields give the Chinese column names and the cell widgets, its
``column_aliases`` the other ways clerks and exports write those names; its
``Meta.import_id_fields`` are the natural key. The import itself is done here rather than by
django-import-export's row-by-row loop, which saves each row separately: every row is validated
first (cells, then the row against the record it updates, looked up a batch at a time), then all
rows are written in one transaction — new rows as one multi-row insert (COPY on PostgreSQL) with
their history copied by the database, updated rows with bulk_update of the fields that change.

Updating never erases: a blank cell leaves the stored value as it is; ``<清空>`` clears it.
"""

import csv
import io
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from import_export import resources
from import_export.results import Error, Result, RowResult

from .errors import RowError, RowErrors, SheetError
from .table import HeaderMatch, Table, blank, compact, row_ranges

# What a spreadsheet program may start a formula with; tab and carriage return too, because
# some programs strip them before looking at the next character (OWASP's list for CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PREVIEW_ROWS = 100
REGISTRY: dict[str, type["LayoutResource"]] = {}


def escape_formula(value):
    """A cell that a spreadsheet program would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


CLEAR_MARKER = "<清空>"
# Columns offices add that hold no data of the record: read past, said in the result.
IGNORED_COLUMNS = ("序号", "序", "No", "No.", "NO")


def normalize_header(value) -> str:
    """A header as it is compared: NFKC (（）→ (), full-width letters), no white space or line
    breaks, without the * and † marks of the template, case-insensitive."""
    return compact(value or "").rstrip("*†").casefold()


def _base_name(name: str) -> str:
    """注册资本(万元) → 注册资本: a header without its unit names the same column."""
    head, _, tail = name.partition("(")
    return head if tail.endswith(")") and head else ""


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class ImportReport:
    layout: str
    dry_run: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # the layout's columns found in the file
    preview_headers: list[str] = field(default_factory=list)  # every column of the layout
    preview: list[tuple[str, list]] = field(default_factory=list)  # (new/update/skip, cells)
    error_rows: dict[int, list] = field(default_factory=dict)  # row → cells, for display
    # Where the table was found and what of the file was not imported, and why.
    format_name: str = ""
    sheet: str = ""
    sheet_reason: str = ""
    header_row: int = 1
    title_rows: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    unrecognised: list[tuple[int, str, str]] = field(default_factory=list)  # (col, header, hint)
    ignored: list[tuple[int, str]] = field(default_factory=list)  # 序号 and the like
    hidden_columns: list[tuple[int, str]] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (header in file, column)
    notes: list[str] = field(default_factory=list)
    # Updated rows: (row, the record's key as text, [(column, old, new)]).
    changes: list[tuple[int, str, list[tuple[str, str, str]]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "校验通过（未写入）" if self.dry_run else "导入完成"
        text = (
            f"{verb}：共 {self.total} 行，新增 {self.created} 行，"
            f"更新 {self.updated} 行，无变化 {self.unchanged} 行"
        )
        if self.skipped:
            text += f"，跳过 {len(self.skipped)} 行"
        return text + "。"

    def skipped_by_reason(self) -> list[tuple[str, list[int]]]:
        groups: dict[str, list[int]] = {}
        for row, reason in self.skipped:
            groups.setdefault(reason, []).append(row)
        return list(groups.items())

    def details(self) -> list[str]:
        """What was read and what was not, in the words the command, the web page and the job
        page all use."""
        lines = []
        where = f"文件格式：{self.format_name}" if self.format_name else ""
        if self.sheet:
            reason = f"（{self.sheet_reason}）" if self.sheet_reason else ""
            where += f"；读取工作表「{self.sheet}」{reason}"
        if where:
            lines.append(f"{where}；第 {self.header_row} 行为列名。")
        if self.title_rows:
            lines.append(
                "标题行（未导入）："
                + "；".join(f"第 {row} 行「{_short(text)}」" for row, text in self.title_rows)
            )
        for reason, rows in self.skipped_by_reason():
            lines.append(f"第 {row_ranges(rows)} 行为{reason}，已跳过。")
        for index, header in self.hidden_columns:
            lines.append(f"第 {column_letter(index)} 列「{header}」为隐藏列，已跳过。")
        if self.unrecognised:
            lines.append(
                "未识别的列（已忽略）："
                + "；".join(
                    f"第 {column_letter(i)} 列「{h}」" + (f"（{hint}）" if hint else "")
                    for i, h, hint in self.unrecognised
                )
            )
        if self.ignored:
            lines.append(
                "不导入的列：" + "、".join(f"「{h}」" for _, h in self.ignored) + "（序号列）"
            )
        if self.aliases:
            lines.append(
                "按常见写法识别的列："
                + "、".join(f"「{_short(found)}」→「{name}」" for found, name in self.aliases)
            )
        lines.extend(self.notes)
        return lines

    def change_lines(self, limit: int | None = None) -> list[str]:
        lines = []
        for row, key, fields in self.changes[:limit]:
            text = "；".join(
                f"{name}：{old or '（空）'} → {new or '（空）'}" for name, old, new in fields
            )
            lines.append(f"第 {row} 行（{key}）{text}")
        return lines


@contextmanager
def _bulk_write():
    """SQLite keeps 2 MB of pages in memory by default: a large import updating several indexes
    reads and writes the same pages again and again. 64 MB while the rows are written."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _all_blank(values) -> bool:
    for value in values:
        if value is not None and value != "" and not (value.__class__ is str and value.isspace()):
            return False
    return True


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number_limit(model_field) -> int | Decimal | None:
    """The largest absolute value the column of a number field holds on every database (the
    portable integer ranges, as on PostgreSQL), so that a cell like 1e30 is a row error rather
    than a database error at the end of the import."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    if isinstance(model_field, models.DecimalField):
        whole = model_field.max_digits - model_field.decimal_places
        return Decimal(10) ** whole - Decimal(1).scaleb(-model_field.decimal_places)
    if isinstance(model_field, models.IntegerField):
        ranges = BaseDatabaseOperations.integer_field_ranges
        return ranges.get(model_field.get_internal_type(), (None, None))[1]
    return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user_id")
HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def copy_to_history(model, pks: list, history_type: str, *, user=None, reason: str = "") -> bool:
    """Records the current state of rows ``pks`` in the model's django-simple-history table with
    one INSERT … SELECT per chunk, instead of building a historical instance per row. Returns
    False (and writes nothing) when the history table has extra columns this cannot fill."""
    history = model.history.model
    tracked = [f.column for f in history.tracked_fields]
    columns = {f.column for f in history._meta.concrete_fields}
    if columns != set(tracked) | HISTORY_COLUMNS:
        return False
    qn = connection.ops.quote_name
    now = history._meta.get_field("history_date").get_db_prep_value(
        timezone.now(), connection, prepared=False
    )
    names = ", ".join(qn(c) for c in tracked)
    target = ", ".join(
        [
            names,
            *(
                qn(c)
                for c in (
                    "history_date",
                    "history_change_reason",
                    "history_type",
                    "history_user_id",
                )
            ),
        ]
    )
    pk_column = qn(model._meta.pk.column)
    insert = (
        f"INSERT INTO {qn(history._meta.db_table)} ({target}) "
        f"SELECT {names}, %s, %s, %s, %s FROM {qn(model._meta.db_table)} "
    )
    common = [now, reason, history_type, getattr(user, "pk", None)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{insert} WHERE {pk_column} = ANY(%s)", [*common, list(pks)])
            return True
        for chunk in _chunks(list(pks), 900):
            cursor.execute(
                f"{insert} WHERE {pk_column} IN ({', '.join(['%s'] * len(chunk))})",
                [*common, *chunk],
            )
    return True


def existing_values(model, attribute: str, values: list) -> set:
    """Which of ``values`` a column of the model's table already holds (one query on
    PostgreSQL, chunks of 900 on SQLite), without Django preparing each value."""
    if not values:
        return set()
    field = model._meta.get_field(attribute.removesuffix("_id"))
    if not isinstance(field, models.CharField | models.IntegerField | models.ForeignKey):
        return set(
            model._default_manager.filter(**{f"{attribute}__in": values}).values_list(
                attribute, flat=True
            )
        )
    qn = connection.ops.quote_name
    select = f"SELECT {qn(field.column)} FROM {qn(model._meta.db_table)} WHERE {qn(field.column)}"
    found = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{select} = ANY(%s)", [values])
            found.update(row[0] for row in cursor.fetchall())
        else:
            for chunk in _chunks(values, 900):
                cursor.execute(f"{select} IN ({', '.join(['%s'] * len(chunk))})", chunk)
                found.update(row[0] for row in cursor.fetchall())
    return found


def _chunks(items: list, size: int) -> Iterable[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class CsvStream(io.RawIOBase):
    """A file that COPY reads: rows turned into CSV text a thousand at a time, as asked for."""

    def __init__(self, records: Iterable[list]):
        self.records = iter(records)
        self.pending = b""
        self.text = io.StringIO()
        self.writer = csv.writer(self.text, quoting=csv.QUOTE_ALL, lineterminator="\n")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.pending) < size:
            chunk = list(islice(self.records, 1000))
            if not chunk:
                break
            self.text.seek(0)
            self.text.truncate()
            self.writer.writerows(chunk)
            self.pending += self.text.getvalue().encode()
        if size < 0:
            size = len(self.pending)
        data, self.pending = self.pending[:size], self.pending[size:]
        return data


class FastInsert:
    """New rows of one model written without model instances: COPY on PostgreSQL, one
    ``executemany`` on SQLite. Only for models whose fields are all plain values (text, numbers,
    dates, booleans, foreign keys); ``for_model`` gives None otherwise."""

    PLAIN = (
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.BooleanField,
        models.DateField,
        models.DecimalField,
        models.ForeignKey,
    )

    def __init__(self, model, fields):
        self.model = model
        self.fields = fields
        self.attnames = {f.attname for f in fields}

    @classmethod
    def for_model(cls, model) -> "FastInsert | None":
        fields = []
        for f in model._meta.concrete_fields:
            if f.primary_key and isinstance(f, models.AutoField):
                continue
            if not isinstance(f, cls.PLAIN):
                return None
            if f.has_default() and callable(f.default) and f.unique:
                return None
            fields.append(f)
        return cls(model, fields)

    def _defaults(self) -> list:
        now = timezone.now()
        defaults = []
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now if isinstance(f, models.DateTimeField) else timezone.localdate()
            else:
                value = f.get_default()
            defaults.append(value)
        return defaults

    def _adapters(self) -> list:
        """Per field, how a value becomes what the database driver (or COPY's text) takes."""
        adapters = []
        vendor = connection.vendor
        for f in self.fields:
            if isinstance(f, models.DateTimeField | models.DecimalField):

                def adapt(value, f=f):
                    return f.get_db_prep_save(value, connection)

                adapters.append(adapt)
            elif isinstance(f, models.DateField) and vendor == "sqlite":
                adapters.append(lambda v: v.isoformat() if v is not None else None)
            else:
                adapters.append(None)
        return adapters

    def write(self, rows: list[dict], *, user=None, reason: str = "") -> bool:
        """Writes ``rows`` and, for a model with django-simple-history, their "+" records from
        the same values. Returns False (and writes nothing) when it cannot give the rows their
        ids itself or the history table has columns it cannot fill: the caller then writes
        another way."""
        unknown = {k for row in rows for k in row} - self.attnames
        if unknown:
            raise TypeError(f"{self.model.__name__} has no fields {sorted(unknown)}")
        ids = self.begin(len(rows))
        if ids is None:
            return False
        self.copy(zip(ids, rows, strict=True))
        self.add_history(ids, user=user, reason=reason)
        self.flush()
        return True

    def begin(self, count: int) -> list | None:
        """Ids for ``count`` new rows, or None when this writer cannot be used."""
        if self._history_columns() is False:
            return None
        with connection.cursor() as cursor:
            ids = self._new_ids(cursor, count) if count else []
            if ids is not None and connection.vendor == "postgresql":
                # GIN indexes (the trigram search indexes) take new entries into their pending
                # list; merged by many small merges as the 4 MB default fills, they cost more
                # than the COPY itself. The list is merged once, in bulk, by ``flush``.
                cursor.execute("SET LOCAL gin_pending_list_limit = '1GB'")
        return ids

    def records(self, rows: Iterable[tuple[int, dict]]) -> Iterable[list]:
        """(id, values) → the row as its columns take it."""
        pairs = list(zip([f.attname for f in self.fields], self._defaults(), strict=True))
        adapted = [(i + 1, a) for i, a in enumerate(self._adapters()) if a is not None]
        for pk, row in rows:
            get = row.get
            out = [pk, *[get(name, default) for name, default in pairs]]
            for index, adapt in adapted:
                if out[index] is not None:
                    out[index] = adapt(out[index])
            yield out

    @property
    def columns(self) -> list[str]:
        return [self.model._meta.pk.column, *(f.column for f in self.fields)]

    def copy(self, rows: Iterable[tuple[int, dict]]) -> None:
        """Writes (id, values) pairs, taken from ``rows`` as the database reads them."""
        qn = connection.ops.quote_name
        nullable = [f.column for f in self.fields if f.null]
        with connection.cursor() as cursor:
            self._put(
                cursor, qn(self.model._meta.db_table), self.columns, self.records(rows), nullable
            )

    def add_history(self, ids: list, *, user=None, reason: str = "") -> None:
        """The "+" history records of the rows just written, copied by the database."""
        history = self._history_columns()
        if not history or not ids:
            return
        qn = connection.ops.quote_name
        table, date = history
        columns = self.columns
        names = ", ".join(qn(c) for c in [*columns, *HISTORY_EXTRA])
        select = (
            f"INSERT INTO {qn(table)} ({names}) SELECT "
            f"{', '.join(qn(c) for c in columns)}, %s, %s, %s, %s "
            f"FROM {qn(self.model._meta.db_table)} WHERE {qn(self.model._meta.pk.column)} "
        )
        extra = [date, reason, "+", getattr(user, "pk", None)]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite" and ids == list(range(ids[0], ids[0] + len(ids))):
                cursor.execute(f"{select} BETWEEN %s AND %s", [*extra, ids[0], ids[-1]])
            elif connection.vendor == "sqlite":
                for chunk in _chunks(ids, 900):
                    cursor.execute(
                        f"{select} IN ({', '.join(['%s'] * len(chunk))})", [*extra, *chunk]
                    )
            else:
                cursor.execute(f"{select} = ANY(%s)", [*extra, ids])

    def _history_columns(self):
        """(history table, the history date as the database takes it), None for a model
        without history, False for a history table with columns of its own."""
        if not hasattr(self.model, "history"):
            return None
        history = self.model.history.model
        tracked = {f.column for f in history.tracked_fields}
        mine = {self.model._meta.pk.column, *(f.column for f in self.fields)}
        columns = {f.column for f in history._meta.concrete_fields}
        if tracked != mine or columns != tracked | HISTORY_COLUMNS:
            return False
        date = history._meta.get_field("history_date").get_db_prep_value(
            timezone.now(), connection, prepared=False
        )
        return history._meta.db_table, date

    def _new_ids(self, cursor, count: int) -> list | None:
        """Primary keys for ``count`` new rows, taken from the table's sequence (PostgreSQL) or
        above the largest ever used (SQLite, whose write lock the import's transaction holds)."""
        pk = self.model._meta.pk
        if not isinstance(pk, models.AutoField):
            return None
        table = self.model._meta.db_table
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            sequence = cursor.fetchone()[0]
            if sequence is None:
                return None
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            return None
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({qn(pk.column)}) FROM {qn(table)}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(largest, row[0] if row else 0) + 1
        return list(range(start, start + count))

    @staticmethod
    def _put(cursor, table: str, columns: list[str], records: list[list], nullable) -> None:
        qn = connection.ops.quote_name
        names = ", ".join(qn(c) for c in columns)
        if connection.vendor == "postgresql":
            # CSV in C: every value quoted, so an empty text stays empty; nullable columns turn
            # a quoted empty value back into NULL. Written as the server reads it, so the
            # server inserts one part while the next is being made.
            buffer = CsvStream(records)
            force_null = f", FORCE_NULL ({', '.join(qn(c) for c in nullable)})" if nullable else ""
            cursor.copy_expert(
                f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv{force_null})", buffer
            )
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(records))

    def flush(self) -> None:
        """Merges the pending lists of the table's GIN indexes into the indexes (PostgreSQL),
        so that the import leaves its index work done."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
                "WHERE i.indrelid = %s::regclass AND am.amname = 'gin'",
                [self.model._meta.db_table],
            )
            for (index,) in cursor.fetchall():
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])


class LayoutResource(resources.ModelResource):
    layout: str = ""  # the name used by ``import_sheet <layout>``
    title: str = ""  # Chinese name of the layout, e.g. 专利
    required_columns: tuple[str, ...] = ()
    # Other ways a column's header is written (by clerks, by CNIPA and other exports):
    # {"成立日期": ("成立时间", "注册日期")}. A header without the unit in parentheses also matches
    # (注册资本 for 注册资本(万元)).
    column_aliases: dict[str, tuple[str, ...]] = {}
    # Required columns whose cell may be blank when the layout derives the value (``derive``).
    derived_columns: tuple[str, ...] = ()
    batch_size: int = 2000
    change_reason: str = "表格导入"
    # The row checks (``clean_values``) and previews read nothing from the database (lookups
    # are loaded by ``prepare``): on PostgreSQL, new rows are then written while the next are
    # checked (``_run_streamed``).
    streams: bool = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("layout"):
            REGISTRY[cls.layout] = cls

    # ---- hooks for a layout -------------------------------------------------------------------

    def prepare(self) -> None:
        """Load lookups (e.g. enterprises by credit code) once, before the rows are read."""

    def derive(self, values: dict, raw: dict, errors: RowErrors) -> None:
        """Completes a row from its own cells before its key is taken (e.g. a level implied by
        the type's label)."""

    def clean_values(self, values: dict, raw: dict, errors: RowErrors) -> None:
        """Checks across the cells of one row; may change ``values`` or add errors. ``values``
        holds only the cells the row fills; ``self.stored`` is the record the row updates (None
        for a new one) and ``self.current(values, name)`` the value the record will have."""

    def finish(self, report: "ImportReport", *, dry_run: bool) -> None:
        """After every row passed, inside the import's transaction (e.g. catalogue entries)."""

    stored = None

    def current(self, values: dict, attribute: str):
        if attribute in values:
            return values[attribute]
        return getattr(self.stored, attribute, None) if self.stored is not None else None

    # ---- columns ------------------------------------------------------------------------------

    def layout_fields(self) -> list:
        return [f for f in self.get_import_fields() if f.attribute and not f.readonly]

    def column_names(self) -> list[str]:
        return [f.column_name for f in self.layout_fields()]

    def template_headers(self) -> list[str]:
        return [
            f"{name}*" if name in self.required_columns else name for name in self.column_names()
        ]

    def key_attributes(self) -> list[str]:
        by_name = {f.column_name: f for f in self.layout_fields()}
        by_attr = {f.attribute: f for f in self.layout_fields()}
        attrs = []
        for name in self._meta.import_id_fields:
            found = by_attr.get(name) or by_name.get(name) or self.fields.get(name)
            attrs.append(found.attribute)
        return attrs

    def key_columns(self) -> list[str]:
        by_attr = {f.attribute: f.column_name for f in self.layout_fields()}
        return [by_attr[a] for a in self.key_attributes()]

    def header_labels(self) -> dict[str, str]:
        """Normalised header → column name, the names first, then their aliases."""
        labels: dict[str, str] = {}
        for name in self.column_names():
            labels.setdefault(normalize_header(name), name)
        for name in self.column_names():
            for alias in (_base_name(name), *self.column_aliases.get(name, ())):
                if alias:
                    labels.setdefault(normalize_header(alias), name)
        return labels

    def match_header(self, cells: list) -> HeaderMatch:
        labels = self._labels
        found: dict[str, int] = {}
        for index, cell in enumerate(cells):
            if blank(cell):
                continue
            name = labels.get(normalize_header(cell))
            if name is not None and name not in found:
                found[name] = index
        missing = [name for name in self.required_columns if name not in found]
        return HeaderMatch(found, missing)

    @property
    def _labels(self) -> dict[str, str]:
        if not hasattr(self, "_header_labels"):
            self._header_labels = self.header_labels()
        return self._header_labels

    def map_columns(self, headers: list[str], hidden: Iterable[int] = ()) -> dict[str, int]:
        """Column name → index; the file's other headers are kept for the report."""
        labels = self._labels
        hidden = set(hidden)
        found: dict[str, int] = {}
        self._unrecognised, self._ignored, self._aliases = [], [], []
        ignored = {normalize_header(h) for h in IGNORED_COLUMNS}
        for index, header in enumerate(headers):
            if index in hidden or blank(header):
                continue
            key = normalize_header(header)
            name = labels.get(key)
            if name is None:
                if key in ignored:
                    self._ignored.append((index, header))
                else:
                    self._unrecognised.append((index, header, self._unit_hint(key)))
                continue
            if name in found:
                raise SheetError(
                    f"列「{name}」出现了两次（第 {column_letter(found[name])} 列"
                    f"「{headers[found[name]]}」和第 {column_letter(index)} 列「{header}」）。"
                )
            found[name] = index
            if normalize_header(name) != key:
                self._aliases.append((header, name))
        missing = [name for name in self.required_columns if name not in found]
        if missing:
            raise SheetError("缺少必填列：" + "、".join(f"「{m}」" for m in missing) + "。")
        return found

    def _unit_hint(self, key: str) -> str:
        base = _base_name(key)
        for name in self.column_names():
            if base and _base_name(normalize_header(name)) == base:
                return f"单位与本格式的「{name}」不同，请换算后填入「{name}」列"
        return ""

    # ---- one row ------------------------------------------------------------------------------

    def _model_field(self, attribute: str):
        try:
            return self._meta.model._meta.get_field(attribute.removesuffix("_id"))
        except Exception:
            return None

    def _cell_rules(self, fields: list) -> list[tuple]:
        """Per column, once per file: what ``clean_row`` needs to know about it."""
        rules = []
        for f in fields:
            model_field = self._model_field(f.attribute)
            empty = None
            if model_field is not None and not model_field.null:
                if isinstance(model_field, models.CharField | models.TextField):
                    empty = ""
                elif model_field.has_default():
                    empty = model_field.get_default()
            required = f.column_name in self.required_columns
            if f.column_name in self.derived_columns:
                blank_rule = ""  # the layout's ``derive`` fills it or says why not
            elif f.attribute in self.key_attributes():
                blank_rule = "key"
            elif required:
                blank_rule = "new"  # needed to create a record, kept when updating one
            else:
                blank_rule = ""
            rules.append(
                (
                    f.column_name,
                    f.attribute,
                    f.widget.clean,
                    blank_rule,
                    required,
                    getattr(model_field, "max_length", None),
                    empty,
                    _number_limit(model_field),
                )
            )
        return rules

    def clean_row(self, raw: dict, fields: list, errors: RowErrors, rules=None) -> dict:
        """The row's filled cells as model values; a blank cell is left out (an update keeps
        the stored value), ``<清空>`` gives the empty value."""
        values = {}
        for column, attribute, clean, required, keep, max_length, empty, limit in (
            rules or self._cell_rules(fields)
        ):
            cell = raw.get(column)
            if cell is None or cell == "" or (isinstance(cell, str) and not cell.strip()):
                if required == "key":
                    errors.add(column, "必填，不能为空")
                elif required:
                    errors.blank_required.append(column)
                continue
            if isinstance(cell, str) and "清空" in cell and compact(cell) == CLEAR_MARKER:
                if keep:
                    errors.add(column, f"必填列不能清空（{CLEAR_MARKER}）")
                else:
                    values[attribute] = empty
                continue
            try:
                value = clean(cell, row=raw)
            except (ValueError, ValidationError) as exc:
                message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                errors.add(column, message)
                continue
            if max_length and isinstance(value, str) and len(value) > max_length:
                errors.add(column, f"超过 {max_length} 个字符")
                continue
            if limit is not None and value is not None and abs(value) > limit:
                errors.add(column, f"数值 {value} 超出范围（绝对值不能超过 {limit}）")
                continue
            if value is None:
                continue
            values[attribute] = value
        return values

    # ---- the whole file -----------------------------------------------------------------------

    def locate(self, book, sheet: str = "") -> Table:
        from .table import locate

        try:
            table, _ = locate(book, self.match_header, list(self.required_columns), sheet)
        except SheetError as exc:
            if book.encoding == "gb18030":
                # Bytes that are not UTF-8 always decode as GB18030, so a file in another
                # encoding (Big5, UTF-16 without BOM, Latin-1) shows up here as unknown headers.
                raise SheetError(
                    f"{exc.message}该 CSV 文件不是 UTF-8 编码，已按 GB18030 读取；若列名是乱码，"
                    "说明文件是其他编码，请另存为 UTF-8 编码的 CSV 后再导入。"
                ) from None
            raise
        return table

    def run(
        self,
        table: Table,
        *,
        dry_run: bool = False,
        user=None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Validate every row, then write all of them or nothing."""
        columns = self.map_columns(table.headers, (i for i, _ in table.hidden_columns))
        fields = [f for f in self.layout_fields() if f.column_name in columns]
        key_attrs = self.key_attributes()
        key_columns = self.key_columns()
        report = ImportReport(
            self.layout,
            dry_run=dry_run,
            headers=[f.column_name for f in fields],
            preview_headers=self.column_names(),
            format_name=table.format_name,
            sheet=table.sheet,
            sheet_reason=table.sheet_reason,
            header_row=table.header_row,
            title_rows=table.title_rows,
            skipped=table.skipped,
            unrecognised=self._unrecognised,
            ignored=self._ignored,
            hidden_columns=table.hidden_columns,
            aliases=self._aliases,
            notes=table.notes,
        )
        self.prepare()
        model = self._meta.model
        writer = FastInsert.for_model(model) if not dry_run else None
        if (
            writer is not None
            and self.streams
            and connection.vendor == "postgresql"
            and len(key_attrs) == 1
            and key_columns[0] not in self.derived_columns
        ):
            streamed = self._run_streamed(table, columns, fields, report, writer, user, progress)
            if streamed is not None:
                return streamed
        accepted = list(
            self._accepted(
                table.rows,
                columns,
                fields,
                report,
                lambda keys: self.existing_by_key(keys, key_attrs),
                table.total,
                progress,
            )
        )
        self._no_rows(table, report)
        if report.errors:
            return report
        with _bulk_write(), transaction.atomic():
            new: list[dict] = []
            for batch in _chunks(accepted, self.batch_size):
                new.extend(self._write_batch(batch, key_attrs, report, user, dry_run))
            if new and not dry_run:
                # All new rows in one statement, after the updates.
                self.insert(new, key_attrs, user)
            self.finish(report, dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)
        return report

    def _run_streamed(self, table, columns, fields, report, writer, user, progress):
        """PostgreSQL: the rows are checked while COPY writes the ones already checked, so the
        database's work on the indexes goes on beside the checks instead of after them. The
        records the rows update are looked up first, by the keys of the whole file; a row that
        fails stops the writing, and the transaction is rolled back once every row is checked.
        None when the rows cannot be written this way."""
        key_attrs = self.key_attributes()
        rows = list(table.rows)
        field = next(f for f in fields if f.attribute == key_attrs[0])
        index = columns[field.column_name]
        keys = set()
        for done, (_, cells) in enumerate(rows, start=1):
            # No query may run while COPY is in progress, and the job's progress written in
            # the import's transaction would be seen by nobody (and would hold the job's row):
            # the progress follows this first reading of the rows.
            if progress and done % 1000 == 0:
                progress(done, max(table.total, done))
            try:
                value = field.widget.clean(cells[index] if index < len(cells) else None)
            except (ValueError, ValidationError):
                continue
            if value not in (None, ""):
                keys.add((value,))
        if progress:
            progress(len(rows), len(rows))
        existing = self.existing_by_key(list(keys), key_attrs) if keys else {}
        with _bulk_write(), transaction.atomic():
            ids = writer.begin(len(keys) - len(existing))
            if ids is None:
                transaction.set_rollback(True)
                table.rows = iter(rows)
                return None
            used: list = []
            accepted: list = []
            labels = {f.attribute: f for f in self.layout_fields()}

            def new_rows():
                for row in self._accepted(
                    rows,
                    columns,
                    fields,
                    report,
                    lambda batch: {k: existing[k] for k in batch if k in existing},
                    table.total,
                    None,
                ):
                    if report.errors:
                        continue  # nothing more is written; every row is still checked
                    number, values, key, stored = row
                    if stored is None:
                        self._classify(row, key_attrs, report, labels)
                        used.append(ids[len(used)])
                        yield used[-1], values
                    else:
                        accepted.append(row)

            writer.copy(new_rows())
            self._no_rows(table, report)
            if report.errors:
                transaction.set_rollback(True)
                return report
            for batch in _chunks(accepted, self.batch_size):
                self._write_batch(batch, key_attrs, report, user, False)
            writer.add_history(used, user=user, reason=self.change_reason)
            writer.flush()
            self.finish(report, dry_run=False)
        return report

    @staticmethod
    def _no_rows(table, report) -> None:
        if not report.total:
            raise SheetError(
                f"表格中没有数据：第 {table.header_row} 行是列名，其下没有要导入的数据行。"
                + "".join(f" {line}" for line in report.details()[1:])
            )
        report.errors.sort(key=lambda e: e.row)

    def _accepted(self, rows, columns, fields, report, lookup, total, progress):
        """(row number, values, key, stored record or None) of every row that passes; the
        errors of the others go to the report. Stored records come from ``lookup`` (keys →
        records) a batch of rows at a time."""
        key_attrs = self.key_attributes()
        key_columns = self.key_columns()
        rules = self._cell_rules(fields)
        items = list(columns.items())
        seen: dict[tuple, int] = {}
        pending: list[tuple] = []  # (number, raw, values, errors, key) awaiting the lookup
        for number, cells in rows:
            width = len(cells)
            raw = {name: (cells[i] if i < width else None) for name, i in items}
            if _all_blank(raw.values()):
                report.skipped.append((number, "本格式的各列均为空的行"))
                continue
            report.total += 1
            errors = RowErrors(number)
            values = self.clean_row(raw, fields, errors, rules)
            key = None
            if not errors:
                self.derive(values, raw, errors)
            if not errors:
                key = tuple(values.get(a) for a in key_attrs)
                if key in seen:
                    errors.add(key_columns[0], f"与第 {seen[key]} 行重复")
                else:
                    seen[key] = number
            pending.append((number, raw, values, errors, key))
            if len(pending) >= self.batch_size:
                yield from self._check_rows(pending, lookup, fields, report)
                pending = []
            if progress and report.total % 1000 == 0:
                progress(report.total, max(total, report.total))
        yield from self._check_rows(pending, lookup, fields, report)
        if progress:
            progress(report.total, report.total)

    def _check_rows(self, pending, lookup, fields, report):
        """The row checks that need the stored record: looked up for a batch of rows at once."""
        keys = [key for _, _, _, errors, key in pending if not errors]
        existing = lookup(keys) if keys else {}
        for number, raw, values, errors, key in pending:
            stored = None
            if not errors:
                stored = self.stored = existing.get(key)
                if stored is None:
                    for column in errors.blank_required:
                        errors.add(column, "必填，不能为空")
                self.clean_values(values, raw, errors)
                self.stored = None
            if errors:
                report.errors.extend(errors.items)
                if len(report.error_rows) < PREVIEW_ROWS:
                    report.error_rows[number] = [raw.get(f.column_name) for f in fields]
            elif not report.errors:
                yield number, values, key, stored

    def existing_by_key(self, keys: list[tuple], key_attrs: list[str]) -> dict[tuple, models.Model]:
        first = key_attrs[0]
        wanted = set(keys)
        candidates = {k[0] for k in keys}
        manager = self._meta.model._default_manager
        if len(key_attrs) == 1:
            # Most rows of a large file are usually new: find which keys exist with one bare
            # query before building instances of those alone.
            candidates = existing_values(self._meta.model, first, list(candidates))
            if not candidates:
                return {}
        found = {}
        for obj in manager.filter(**{f"{first}__in": candidates}):
            key = tuple(getattr(obj, a) for a in key_attrs)
            if key in wanted:
                found[key] = obj
        return found

    def _classify(self, row, key_attrs, report, labels) -> list[str]:
        """Counts the row as new, updated or unchanged in the report (with its preview and,
        for an update, its changes old → new, applied to the stored record); returns the
        attributes that change."""
        number, values, key, obj = row
        diff: list[str] = []
        if obj is None:
            kind = RowResult.IMPORT_TYPE_NEW
            report.created += 1
        else:
            diff = [a for a, v in values.items() if getattr(obj, a) != v]
            if diff:
                report.changes.append(
                    (
                        number,
                        self.key_text(key, key_attrs),
                        [
                            (
                                labels[a].column_name if a in labels else a,
                                self.render_value(a, getattr(obj, a)),
                                self.render_value(a, values[a]),
                            )
                            for a in diff
                        ],
                    )
                )
                for attribute in diff:
                    setattr(obj, attribute, values[attribute])
                kind = RowResult.IMPORT_TYPE_UPDATE
                report.updated += 1
            else:
                kind = RowResult.IMPORT_TYPE_SKIP
                report.unchanged += 1
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append((kind, self.preview_cells(values, obj)))
        return diff

    def _write_batch(self, batch, key_attrs, report, user, dry_run) -> list[dict]:
        """Updates the batch's changed records; returns the values of its new ones."""
        model = self._meta.model
        new, changed, changed_fields = [], [], set()
        labels = {f.attribute: f for f in self.layout_fields()}
        for row in batch:
            diff = self._classify(row, key_attrs, report, labels)
            if row[3] is None:
                new.append(row[1])
            elif diff:
                changed.append(row[3])
                changed_fields.update(diff)
        if dry_run or not changed:
            return new
        model._default_manager.bulk_update(changed, sorted(changed_fields))
        if hasattr(model, "history") and not copy_to_history(
            model, [o.pk for o in changed], "~", user=user, reason=self.change_reason
        ):
            model.history.bulk_history_create(
                changed,
                update=True,
                default_user=user,
                default_change_reason=self.change_reason,
            )
        return new

    def insert(self, rows: list[dict], key_attrs: list[str], user) -> None:
        """New records with their history: straight to the tables (COPY on PostgreSQL, one
        multi-row statement on SQLite) when every field is a plain value; through bulk_create
        otherwise."""
        model = self._meta.model
        writer = FastInsert.for_model(model)
        if writer is not None and writer.write(rows, user=user, reason=self.change_reason):
            return
        objects = [model(**values) for values in rows]
        created = model._default_manager.bulk_create(objects)
        if not hasattr(model, "history"):
            return
        pks = [obj.pk for obj in created]
        if all(pks) and copy_to_history(model, pks, "+", user=user, reason=self.change_reason):
            return
        if not all(pks):
            keys = [tuple(getattr(o, a) for a in key_attrs) for o in objects]
            created = list(self.existing_by_key(keys, key_attrs).values())
        model.history.bulk_history_create(
            created, default_user=user, default_change_reason=self.change_reason
        )

    def key_text(self, key: tuple, key_attrs: list[str]) -> str:
        return "，".join(str(self.render_value(a, v)) for a, v in zip(key_attrs, key, strict=True))

    def render_value(self, attribute: str, value) -> str:
        for f in self.layout_fields():
            if f.attribute == attribute:
                return f.widget.render(value)
        return "" if value is None else str(value)

    def preview_cells(self, values: dict, stored=None) -> list[str]:
        """The row as the record will be, for the admin preview and the job page."""
        cells = []
        for f in self.layout_fields():
            if f.attribute in values:
                cells.append(f.widget.render(values[f.attribute]))
            elif stored is not None and hasattr(stored, f.attribute):
                cells.append(f.widget.render(getattr(stored, f.attribute)))
            else:
                cells.append("")
        return cells

    # ---- django-import-export entry points ---------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """The admin's import (with preview) goes through the same rules as ``import_sheet``."""
        from django.core.exceptions import ValidationError as DjangoValidationError

        from .reading import Book, Sheet, read_book

        result = Result()
        result.diff_headers = self.column_names()
        user = kwargs.get("user")
        try:
            source = getattr(dataset, "source", None)
            if source is not None:
                book = read_book(source, kwargs.get("file_name"))
            else:
                sheet = Sheet("CSV", _rows=[list(dataset.headers or []), *map(list, dataset)])
                sheet._extra = (set(), set(), [])
                book = Book("csv", [sheet])
            table = self.locate(book)
            try:
                report = self.run(table, dry_run=dry_run, user=getattr(user, "pk", None) and user)
            finally:
                table.close()
        except SheetError as exc:
            result.append_base_error(Error(exc))
            return result
        result.total_rows = report.total
        result.kejiju_report = report
        by_row: dict[int, dict[str, list[str]]] = {}
        for error in report.errors:
            by_row.setdefault(error.row, {}).setdefault(error.column, []).append(error.message)
        for number, problems in by_row.items():
            cells = dict(zip(report.headers, report.error_rows.get(number, []), strict=False))
            result.append_invalid_row(number, cells, DjangoValidationError(problems))
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        for kind, cells in report.preview:
            row = RowResult()
            row.import_type = kind
            row.diff = ["" if c is None else c for c in cells]
            result.append_row_result(row)
        result.totals[RowResult.IMPORT_TYPE_NEW] = report.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
        return result

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return [str(h) for h in super().get_export_headers(selected_fields)]
