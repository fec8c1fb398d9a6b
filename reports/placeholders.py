"""Placeholders in staff-written paragraphs: ``{hnte.total}`` is the year's value of an indicator,
``{patent.invention.grants.yoy}`` its year-on-year change in percent."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
YOY_SUFFIX = ".yoy"


def names_in(text: str) -> list[str]:
    return [name.strip() for name in PLACEHOLDER.findall(text or "")]


def unknown_names(text: str, keys: Iterable[str]) -> list[str]:
    known = set(keys)
    unknown = []
    for name in names_in(text):
        base = name[: -len(YOY_SUFFIX)] if name.endswith(YOY_SUFFIX) else name
        if base not in known and name not in unknown:
            unknown.append(name)
    return unknown


def fill(text: str, values: Mapping[str, str], missing: Callable[[str], str]) -> str:
    """Replaces every placeholder by ``values[name]``, or by ``missing(name)`` when absent."""

    def replace(match: re.Match) -> str:
        name = match.group(1).strip()
        return values[name] if name in values else missing(name)

    return PLACEHOLDER.sub(replace, text or "")
