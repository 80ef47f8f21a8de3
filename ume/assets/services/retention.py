"""Retention rules: the organization's own and contractual rules, and its choice between a
statutory rule's 本則 and its transitional period (経過措置). Built-in rules are reference data
(``reference.py``): no service edits them, and the permission check refuses them (they belong
to no organization)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core.locking import bump_version, check_version
from ume.core.models import Organisation, User
from ume.core.services import service, update_fields

from ..choices import RuleKind
from ..models import RetentionRule, RetentionRuleChoice
from ..permissions import MANAGE_RETENTION
from .dates import schedule_recompute

OWN_KINDS = (RuleKind.OWN, RuleKind.CONTRACT)


def _check(organisation: Organisation, data: dict[str, Any], pk=None) -> None:
    if data.get("kind", RuleKind.OWN) not in OWN_KINDS:
        raise ValidationError(
            {"kind": _("Statutory rules are built in; choose own or contractual.")}
        )
    name = (data.get("record_ja") or "").strip()
    clash = RetentionRule.objects.filter(organisation=organisation, record_ja=name).exclude(pk=pk)
    if name and clash.exists():
        raise ValidationError(
            {"record_ja": _("A rule for “{name}” already exists.").format(name=name)}
        )


@service(perm=MANAGE_RETENTION, on="organisation")
def retention_rule_create(
    *, actor: User, organisation: Organisation, data: dict[str, Any]
) -> RetentionRule:
    _check(organisation, data)
    rule = RetentionRule(organisation=organisation, **data)
    rule.full_clean()
    rule.save()
    return rule


@service(perm=MANAGE_RETENTION, on="rule", versioned="version")
def retention_rule_update(
    *, actor: User, rule: RetentionRule, data: dict[str, Any], version: int | None = None
) -> RetentionRule:
    _check(rule.organisation, {"kind": rule.kind, **data}, pk=rule.pk)
    updated = update_fields(rule, data, version=version)
    schedule_recompute(rule.organisation)
    return updated


@service(perm=MANAGE_RETENTION, on="rule")
def retention_rule_delete(*, actor: User, rule: RetentionRule) -> None:
    used = rule.assets.count()
    if used:
        raise ValidationError(
            _("{count} assets follow this rule. Give them another rule first.").format(count=used)
        )
    rule.delete()


@service(perm=MANAGE_RETENTION, on="organisation", refs=("rule",), versioned="version")
def retention_period_choose(
    *,
    actor: User,
    organisation: Organisation,
    rule: RetentionRule,
    use_transitional: bool,
    version: int | None = None,
) -> RetentionRuleChoice:
    """Record the organization's choice for a rule with a transitional period (the first
    choice is based on version 1, like a setting not saved yet)."""
    if rule.organisation_id not in (None, organisation.pk):
        raise ValidationError({"rule": _("Choose a rule of your organization.")})
    if not rule.has_transitional:
        raise ValidationError({"rule": _("This rule has no transitional period to choose.")})
    data = {
        "use_transitional": bool(use_transitional),
        "decided_by": actor,
        "decided_on": timezone.localdate(),
    }
    existing = RetentionRuleChoice.objects.filter(organisation=organisation, rule=rule).first()
    if existing is not None:
        updated = update_fields(existing, data, version=version)
        schedule_recompute(organisation)
        return updated
    # Not chosen yet: the page showed the unsaved default (version 1), and the first save
    # makes it version 2, so a second page opened before it is refused as stale.
    choice = RetentionRuleChoice(organisation=organisation, rule=rule, **data)
    check_version(choice, version)
    bump_version(choice)
    choice.full_clean()
    choice.save()
    schedule_recompute(organisation)
    return choice
