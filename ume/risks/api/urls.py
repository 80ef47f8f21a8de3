"""Routes of the risk assessment API."""

from .views import RiskMethodViewSet


def register(router) -> None:
    router.register("risk-methods", RiskMethodViewSet, basename="risk-method")
