"""Routes of the asset ledger API."""

from .views import (
    AssetViewSet,
    ClassificationLevelViewSet,
    DeletionRecordViewSet,
    EquipmentRemovalViewSet,
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
    router.register("deletion-records", DeletionRecordViewSet, basename="deletionrecord")
    router.register("equipment-removals", EquipmentRemovalViewSet, basename="equipmentremoval")
