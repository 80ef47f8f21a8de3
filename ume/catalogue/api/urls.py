"""Routes of the catalogue API."""

from .views import ControlViewSet


def register(router) -> None:
    router.register("controls", ControlViewSet, basename="control")
