"""Routes of the asset ledger API."""

from .views import (
    AssetViewSet,
    ClassificationLevelViewSet,
    RetentionBatchViewSet,
    RetentionEventViewSet,
    RetentionItemViewSet,
    RetentionRuleViewSet,
)


def register(router) -> None:
    router.register("assets", AssetViewSet, basename="asset")
    router.register(
        "classification-levels", ClassificationLevelViewSet, basename="classificationlevel"
    )
    router.register("retention-rules", RetentionRuleViewSet, basename="retentionrule")
    router.register("retention-events", RetentionEventViewSet, basename="retentionevent")
    router.register("retention-batches", RetentionBatchViewSet, basename="retentionbatch")
    router.register("retention-items", RetentionItemViewSet, basename="retentionitem")
