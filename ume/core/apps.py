"""App configurations. Every Ume app subclasses ``UmeAppConfig`` and declares there what it
contributes to the platform-wide commands: its demo records and its reference-data loaders."""

from collections.abc import Callable, Iterator

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class UmeAppConfig(AppConfig):
    """``demo``: dotted path of ``seed_demo(*, organisation, scopes, users)``, run by
    ``manage.py seed_demo``; ``reference_loaders``: dotted paths of ``loader(stdout)``,
    run (idempotent) by ``manage.py load_reference``."""

    default = False  # not an app itself; each app's config sets default = True
    demo: str | None = None
    reference_loaders: tuple[str, ...] = ()


def ume_apps() -> Iterator[UmeAppConfig]:
    for config in apps.get_app_configs():
        if isinstance(config, UmeAppConfig):
            yield config


def demo_hooks() -> list[Callable[..., None]]:
    return [import_string(c.demo) for c in ume_apps() if c.demo]


def reference_loaders() -> list[Callable[..., None]]:
    return [import_string(path) for c in ume_apps() for path in c.reference_loaders]


class CoreConfig(UmeAppConfig):
    default = True
    name = "ume.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import audit, signals  # noqa: F401  (connect the audit trail and login tracking)
