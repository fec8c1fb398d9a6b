"""The staff home's to-do list, declared by each app in ``<app>/worklist.py`` as
``def items(user) -> list[WorkItem]`` and collected here.

A module may name the bureau sections whose work it lists (``SECTIONS = (Section.SEISMIC,)``):
a staff member of another section (the 知识产权科 clerk and 防震减灾 work, say) does not get
its items. An account without a section (the administrator) gets every item."""

from dataclasses import dataclass

from .discovery import app_modules


@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str
    urgent: bool = False


def concerns(module, user) -> bool:
    sections = getattr(module, "SECTIONS", None)
    section = getattr(user, "section", "")
    return sections is None or not section or section in sections


def items_for(user) -> list[WorkItem]:
    found = [
        item
        for _, module in app_modules("worklist", platform=False)
        if concerns(module, user)
        for item in module.items(user)
        if item.count
    ]
    return sorted(found, key=lambda item: (not item.urgent, item.label))
