"""Background tasks of the asset app (Django tasks; ``manage.py db_worker`` runs them)."""

from django.tasks import task


@task()
def recompute_retention(*, organisation_id: int) -> None:
    from .services.dates import run_scheduled

    run_scheduled(organisation_id)
