"""The organization's ledger settings: its 機密区分 (classification levels) and the rule that
derives 重要度 from C/I/A. Changing the rule recomputes every asset's importance."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ume.core.models import Organisation, User
from ume.core.services import service, update_fields

from .. import importance
from ..models import Asset, ClassificationLevel, LedgerSettings
from ..permissions import MANAGE_CLASSIFICATION


def _check_name(organisation: Organisation, name: str, pk=None) -> None:
    name = (name or "").strip()
    clash = ClassificationLevel.objects.filter(organisation=organisation, name_ja=name)
    if name and clash.exclude(pk=pk).exists():
        message = _("A classification level named “{name}” already exists.")
        raise ValidationError({"name_ja": message.format(name=name)})


@service(perm=MANAGE_CLASSIFICATION, on="organisation", versioned="version")
def ledger_settings_update(
    *, actor: User, organisation: Organisation, data: dict[str, Any], version: int | None = None
) -> LedgerSettings:
    current = LedgerSettings.objects.get_or_create(organisation=organisation)[0]
    updated = update_fields(current, data, version=version)
    if updated.importance_rule != current.importance_rule:
        Asset.objects.filter(organisation=organisation).update(
            importance=importance.expression(updated.importance_rule)
        )
    return updated


@service(perm=MANAGE_CLASSIFICATION, on="organisation")
def classification_level_create(
    *, actor: User, organisation: Organisation, data: dict[str, Any]
) -> ClassificationLevel:
    _check_name(organisation, data.get("name_ja", ""))
    level = ClassificationLevel(organisation=organisation, **data)
    level.full_clean()
    level.save()
    return level


@service(perm=MANAGE_CLASSIFICATION, on="level", versioned="version")
def classification_level_update(
    *, actor: User, level: ClassificationLevel, data: dict[str, Any], version: int | None = None
) -> ClassificationLevel:
    if "name_ja" in data:
        _check_name(level.organisation, data["name_ja"], pk=level.pk)
    return update_fields(level, data, version=version)


@service(perm=MANAGE_CLASSIFICATION, on="level")
def classification_level_delete(*, actor: User, level: ClassificationLevel) -> None:
    used = level.assets.count()
    if used:
        raise ValidationError(
            _("{count} assets have this classification. Give them another level first.").format(
                count=used
            )
        )
    level.delete()
