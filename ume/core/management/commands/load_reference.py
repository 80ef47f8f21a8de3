"""Load every app's reference data (idempotent). An app contributes by defining
``reference_loaders`` in its ``reference/__init__.py``: callables taking ``stdout``."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load (or update) the reference data shipped in each app's reference/ folder."

    def handle(self, *args, **options):
        loaded = 0
        for config in apps.get_app_configs():
            module_name = f"{config.name}.reference"
            if not config.name.startswith("ume.") or find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            for loader in getattr(module, "reference_loaders", []):
                with transaction.atomic():
                    loader(self.stdout)
                loaded += 1
        self.stdout.write(self.style.SUCCESS(f"Reference data: {loaded} loader(s) run."))
