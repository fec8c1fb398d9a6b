"""Each app declares its part of a shared feature in a module of a known name — ``menu.py``
(navigation), ``worklist.py`` (to-do lists), ``demo.py`` (demo data) — and the platform finds
them here, once per process."""

from functools import cache
from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule


@cache
def app_modules(name: str, *, platform: bool = True) -> tuple[tuple[AppConfig, object], ...]:
    """``(app config, <app>.<name>)`` for every installed app that has such a module, in
    INSTALLED_APPS order; ``platform=False`` leaves out kejiju's own."""
    return tuple(
        (config, import_module(f"{config.name}.{name}"))
        for config in apps.get_app_configs()
        if (platform or config.name != "kejiju") and module_has_submodule(config.module, name)
    )
