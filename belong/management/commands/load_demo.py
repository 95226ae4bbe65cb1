"""Load the fictional demo district: each installed app's `demo` module, in INSTALLED_APPS order.

An app takes part by having a `demo` module with `load(stdout, people)`, and optionally
`report(stdout, people)`, printed once every app has loaded. `people` maps a role ("teacher", "lead",
"director"...) to a demo account: the accounts app fills it first (it comes first in INSTALLED_APPS) and
later apps give those people roles. Found like the admin's autodiscover, so `belong` names no app.
"""

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule


def demo_modules() -> Iterator[ModuleType]:
    """Every installed app's `demo` module, in INSTALLED_APPS order (the order later demos rely on)."""
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "demo"):
            yield import_module(f"{app_config.name}.demo")


class Command(BaseCommand):
    help = "Load (or refresh) the fictional demo district. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        modules = list(demo_modules())
        people: dict = {}
        with transaction.atomic():
            for module in modules:
                module.load(self.stdout, people)
        self.stdout.write(self.style.SUCCESS("Demo district ready."))
        for module in modules:
            if hasattr(module, "report"):
                module.report(self.stdout, people)
