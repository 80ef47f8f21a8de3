"""Routes of the SoA API."""

from .views import MeasureViewSet, SoARowViewSet, SoAVersionViewSet


def register(router) -> None:
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("soa-rows", SoARowViewSet, basename="soa-row")
    router.register("soa-versions", SoAVersionViewSet, basename="soa-version")
