"""The staff home's to-do list, declared by each app in ``<app>/worklist.py`` as
``def items(user) -> list[WorkItem]`` and collected here."""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str
    urgent: bool = False


def items_for(user) -> list[WorkItem]:
    found: list[WorkItem] = []
    for config in apps.get_app_configs():
        if config.name == "kejiju":
            continue
        try:
            module = import_module(f"{config.name}.worklist")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.worklist":
                raise
            continue
        found.extend(item for item in module.items(user) if item.count)
    return sorted(found, key=lambda item: (not item.urgent, item.label))
