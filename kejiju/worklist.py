"""The staff home's to-do list, declared by each app in ``<app>/worklist.py`` as
``def items(user) -> list[WorkItem]`` and collected here."""

from dataclasses import dataclass

from .discovery import app_modules


@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str
    urgent: bool = False


def items_for(user) -> list[WorkItem]:
    found = [
        item
        for _, module in app_modules("worklist", platform=False)
        for item in module.items(user)
        if item.count
    ]
    return sorted(found, key=lambda item: (not item.urgent, item.label))
