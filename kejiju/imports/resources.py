"""The base of every spreadsheet layout (DESIGN.md §3).

A layout is a django-import-export ``ModelResource`` with a ``layout`` name, declared once in
``<app>/resources.py``. Its fields give the Chinese column names and the cell widgets; its
``Meta.import_id_fields`` are the natural key. The import itself is done here rather than by
django-import-export's row-by-row loop, which saves each row separately (a few hundred rows a
second): every row is validated first, then rows are written in batches, each batch looking up
its existing instances in one query and using bulk create/update, all inside one transaction.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import models, transaction
from import_export import resources
from import_export.results import Error, Result, RowResult

from .errors import RowError, RowErrors, SheetError
from .reading import Table

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


def normalize_header(value: str) -> str:
    text = str(value or "").strip().replace(" ", "").replace("\u3000", "")
    text = text.replace("（", "(").replace("）", ")")
    return text.rstrip("*＊").rstrip("†")


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

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "校验通过（未写入）" if self.dry_run else "导入完成"
        return (
            f"{verb}：共 {self.total} 行，新增 {self.created} 行，"
            f"更新 {self.updated} 行，无变化 {self.unchanged} 行。"
        )


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
    from django.db import connection
    from django.utils import timezone

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
    with connection.cursor() as cursor:
        for chunk in _chunks(list(pks), 500):
            cursor.execute(
                f"INSERT INTO {qn(history._meta.db_table)} ({target}) "
                f"SELECT {names}, %s, %s, %s, %s FROM {qn(model._meta.db_table)} "
                f"WHERE {pk_column} IN ({', '.join(['%s'] * len(chunk))})",
                [now, reason, history_type, getattr(user, "pk", None), *chunk],
            )
    return True


def _chunks(items: list, size: int) -> Iterable[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class LayoutResource(resources.ModelResource):
    layout: str = ""  # the name used by ``import_sheet <layout>``
    title: str = ""  # Chinese name of the layout, e.g. 专利
    required_columns: tuple[str, ...] = ()
    batch_size: int = 2000
    change_reason: str = "表格导入"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("layout"):
            REGISTRY[cls.layout] = cls

    # ---- hooks for a layout -------------------------------------------------------------------

    def prepare(self) -> None:
        """Load lookups (e.g. enterprises by credit code) once, before the rows are read."""

    def clean_values(self, values: dict, raw: dict, errors: RowErrors) -> None:
        """Checks across the cells of one row; may change ``values`` or add errors."""

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

    def map_columns(self, headers: list[str]) -> dict[str, int]:
        wanted = {normalize_header(name): name for name in self.column_names()}
        found: dict[str, int] = {}
        for index, header in enumerate(headers):
            name = wanted.get(normalize_header(header))
            if name is None:
                continue  # extra columns are ignored
            if name in found:
                raise SheetError(
                    f"列「{name}」出现了两次（第 {found[name] + 1} 列和第 {index + 1} 列）。"
                )
            found[name] = index
        missing = [name for name in self.required_columns if name not in found]
        if missing:
            raise SheetError(
                "缺少必填列：" + "、".join(f"「{m}」" for m in missing) + "（第 1 行应为列名）。"
            )
        return found

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
            rules.append(
                (
                    f.column_name,
                    f.attribute,
                    f.widget.clean,
                    f.column_name in self.required_columns,
                    getattr(model_field, "max_length", None),
                    empty,
                    _number_limit(model_field),
                )
            )
        return rules

    def clean_row(self, raw: dict, fields: list, errors: RowErrors, rules=None) -> dict:
        values = {}
        for column, attribute, clean, required, max_length, empty, limit in (
            rules or self._cell_rules(fields)
        ):
            cell = raw.get(column)
            if required and _blank(cell):
                errors.add(column, "必填，不能为空")
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
            values[attribute] = empty if value is None else value
        if not errors:
            self.clean_values(values, raw, errors)
        return values

    # ---- the whole file -----------------------------------------------------------------------

    def run(
        self,
        table: Table,
        *,
        dry_run: bool = False,
        user=None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Validate every row, then write all of them or nothing."""
        try:
            columns = self.map_columns(table.headers)
        except SheetError as exc:
            if table.encoding == "gb18030":
                # Bytes that are not UTF-8 always decode as GB18030, so a file in another
                # encoding (Big5, UTF-16 without BOM, Latin-1) shows up here as unknown headers.
                raise SheetError(
                    f"{exc.message}该 CSV 文件不是 UTF-8 编码，已按 GB18030 读取；若列名是乱码，"
                    "说明文件是其他编码，请另存为 UTF-8 编码的 CSV 后再导入。"
                ) from None
            raise
        fields = [f for f in self.layout_fields() if f.column_name in columns]
        key_attrs = self.key_attributes()
        key_columns = self.key_columns()
        report = ImportReport(
            self.layout,
            dry_run=dry_run,
            headers=[f.column_name for f in fields],
            preview_headers=self.column_names(),
        )
        self.prepare()
        rules = self._cell_rules(fields)
        seen: dict[tuple, int] = {}
        rows: list[dict] = []
        numbers: list[int] = []
        total = table.total
        for number, cells in table.rows:
            raw = {name: (cells[i] if i < len(cells) else None) for name, i in columns.items()}
            if all(_blank(v) for v in raw.values()):
                continue
            report.total += 1
            errors = RowErrors(number)
            values = self.clean_row(raw, fields, errors, rules)
            if not errors:
                key = tuple(values.get(a) for a in key_attrs)
                if key in seen:
                    errors.add(key_columns[0], f"与第 {seen[key]} 行重复")
                else:
                    seen[key] = number
            if errors:
                report.errors.extend(errors.items)
                if len(report.error_rows) < PREVIEW_ROWS:
                    report.error_rows[number] = [raw.get(f.column_name) for f in fields]
            elif not report.errors:
                rows.append(values)
                numbers.append(number)
            if progress and report.total % 1000 == 0:
                progress(report.total, max(total, report.total))
        if progress:
            progress(report.total, report.total)
        if not report.total:
            raise SheetError("表格中没有数据：第 1 行是列名，其下没有任何数据行。")
        if report.errors:
            return report
        with transaction.atomic():
            for batch_rows, batch_numbers in zip(
                _chunks(rows, self.batch_size), _chunks(numbers, self.batch_size), strict=True
            ):
                self._write_batch(batch_rows, batch_numbers, key_attrs, report, user, dry_run)
            if dry_run:
                transaction.set_rollback(True)
        return report

    def existing_by_key(self, keys: list[tuple], key_attrs: list[str]) -> dict[tuple, models.Model]:
        first = key_attrs[0]
        wanted = set(keys)
        queryset = self._meta.model._default_manager.filter(
            **{f"{first}__in": {k[0] for k in keys}}
        )
        found = {}
        for obj in queryset:
            key = tuple(getattr(obj, a) for a in key_attrs)
            if key in wanted:
                found[key] = obj
        return found

    def _write_batch(self, rows, numbers, key_attrs, report, user, dry_run) -> None:
        model = self._meta.model
        keys = [tuple(r.get(a) for a in key_attrs) for r in rows]
        existing = self.existing_by_key(keys, key_attrs)
        new, changed, changed_fields = [], [], set()
        for values, key in zip(rows, keys, strict=True):
            obj = existing.get(key)
            if obj is None:
                obj = model(**values)
                new.append(obj)
                kind = RowResult.IMPORT_TYPE_NEW
            else:
                diff = [a for a, v in values.items() if getattr(obj, a) != v]
                for attribute in diff:
                    setattr(obj, attribute, values[attribute])
                if diff:
                    changed.append(obj)
                    changed_fields.update(diff)
                    kind = RowResult.IMPORT_TYPE_UPDATE
                else:
                    kind = RowResult.IMPORT_TYPE_SKIP
            if len(report.preview) < PREVIEW_ROWS:
                report.preview.append((kind, self.preview_cells(values)))
        report.created += len(new)
        report.updated += len(changed)
        report.unchanged += len(rows) - len(new) - len(changed)
        if dry_run:
            return
        tracked = hasattr(model, "history")
        manager = model._default_manager
        if new:
            created = manager.bulk_create(new)
            pks = [obj.pk for obj in created]
            if tracked and not (
                all(pks) and copy_to_history(model, pks, "+", user=user, reason=self.change_reason)
            ):
                # No primary keys back from the database, or a history table with extra
                # columns: let django-simple-history build the records.
                if not all(pks):
                    new_keys = [tuple(getattr(o, a) for a in key_attrs) for o in new]
                    created = list(self.existing_by_key(new_keys, key_attrs).values())
                model.history.bulk_history_create(
                    created, default_user=user, default_change_reason=self.change_reason
                )
        if changed:
            manager.bulk_update(changed, sorted(changed_fields))
            if tracked and not copy_to_history(
                model, [o.pk for o in changed], "~", user=user, reason=self.change_reason
            ):
                model.history.bulk_history_create(
                    changed,
                    update=True,
                    default_user=user,
                    default_change_reason=self.change_reason,
                )

    def preview_cells(self, values: dict) -> list[str]:
        """The row as the sheet would show it, for the admin preview and the job page."""
        return [
            f.widget.render(values[f.attribute]) if f.attribute in values else ""
            for f in self.layout_fields()
        ]

    # ---- django-import-export entry points ---------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """The admin's import (with preview) goes through the same rules as ``import_sheet``."""
        from django.core.exceptions import ValidationError as DjangoValidationError

        from .reading import _headers

        result = Result()
        result.diff_headers = self.column_names()
        result.total_rows = len(dataset)
        user = kwargs.get("user")
        try:
            table = Table(
                _headers(dataset.headers or []),
                ((number, tuple(r)) for number, r in enumerate(dataset, start=2)),
                len(dataset),
            )
            report = self.run(table, dry_run=dry_run, user=getattr(user, "pk", None) and user)
        except SheetError as exc:
            result.append_base_error(Error(exc))
            return result
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
