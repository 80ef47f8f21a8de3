"""Routes of the SoA API."""

from .views import SoARowViewSet, SoAVersionViewSet


def register(router) -> None:
    router.register("soa-rows", SoARowViewSet, basename="soa-row")
    router.register("soa-versions", SoAVersionViewSet, basename="soa-version")
