"""Cells that name a row of reference data (a town, a plan category) rather than hold a value."""

from django.db import models
from import_export import widgets

from .widgets import label_key, text


class NameLookupWidget(widgets.Widget):
    """A cell holding the name (or code) of a reference row; cleans to its primary key.

    Declare the field on the ``<fk>_id`` attribute, e.g.
    ``Field("town_id", "所属镇街", widget=NameLookupWidget(Town, "镇街"))``. The lookup table is
    read once per import (``reset()`` is called from the resource's ``prepare()``)."""

    def __init__(self, model: type[models.Model], label: str, fields: tuple[str, ...] = ("name",)):
        self.model = model
        self.label = label
        self.fields = fields
        self._by_text: dict[str, int] | None = None
        self._by_pk: dict[int, str] | None = None

    def reset(self) -> None:
        self._by_text = None
        self._by_pk = None

    def _load(self) -> None:
        rows = list(self.model._default_manager.values_list("pk", *self.fields))
        self._by_text = {}
        self._by_pk = {}
        for pk, *names in rows:
            self._by_pk[pk] = str(names[0])
            for name in names:
                self._by_text.setdefault(label_key(name), pk)

    def clean(self, value, row=None, **kwargs):
        raw = text(value)
        if not raw:
            return None
        if self._by_text is None:
            self._load()
        try:
            return self._by_text[label_key(raw)]
        except KeyError:
            raise ValueError(f"未知的{self.label}「{raw}」（须与基础数据中的名称一致）") from None

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        if self._by_pk is None:
            self._load()
        return self._by_pk.get(value, "")
