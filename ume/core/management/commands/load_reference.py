"""Load every app's reference data (idempotent). An app contributes loaders by naming them in
``reference_loaders`` of its ``UmeAppConfig``: callables taking ``stdout``."""

from django.core.management.base import BaseCommand
from django.db import transaction

from ...apps import reference_loaders


class Command(BaseCommand):
    help = "Load (or update) the reference data shipped in each app's reference/ folder."

    def handle(self, *args, **options):
        loaders = reference_loaders()
        for loader in loaders:
            with transaction.atomic():
                loader(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Reference data: {len(loaders)} loader(s) run."))
