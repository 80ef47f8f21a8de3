"""Routes of the measures API."""

from .views import MeasureViewSet


def register(router) -> None:
    router.register("measures", MeasureViewSet, basename="measure")
