"""Routes of the asset ledger API."""

from .views import AssetViewSet, ClassificationLevelViewSet, RetentionRuleViewSet


def register(router) -> None:
    router.register("assets", AssetViewSet, basename="asset")
    router.register(
        "classification-levels", ClassificationLevelViewSet, basename="classificationlevel"
    )
    router.register("retention-rules", RetentionRuleViewSet, basename="retentionrule")
