"""Retention events (退職日, 契約終了日 …) and holds (保留). Events enter through
``retention_event_record`` only: the modules that know them (the people and supplier
registers) call it, and until they exist the 事務局 types or imports them (手入力). Every
change recomputes the dates of the subject's items; the trail keeps the change and its reason."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ume.core.models import Organisation, User
from ume.core.services import service, update_fields

from .. import retention
from ..choices import EventSource, EventType
from ..models import Asset, RetentionEvent, RetentionItem, RetentionSubject
from ..permissions import MANAGE_RETENTION
from .dates import recompute, refresh_batches


def subject_key(subject: Any) -> tuple[str, str]:
    """(key, name) of a subject: a record of another module, or a name typed by hand."""
    if isinstance(subject, models.Model):
        return f"{subject._meta.label_lower}:{subject.pk}", str(subject)[:200]
    name = " ".join(str(subject or "").split())[:200]
    return name, name


def _subject(organisation: Organisation, subject: Any, assets, personal: bool) -> RetentionSubject:
    key, name = subject_key(subject)
    if not name:
        raise ValidationError({"subject": _("Name whom or what the records are about.")})
    personal = personal or isinstance(subject, User)
    found, created = RetentionSubject.objects.get_or_create(
        organisation=organisation, key=key, defaults={"name": name, "personal": personal}
    )
    if not created and (found.name != name or (personal and not found.personal)):
        found.name, found.personal = name, found.personal or personal
        found.save(update_fields=["name", "personal", "updated_at"])
    if assets is not None:
        if any(a.organisation_id != organisation.pk for a in assets):
            raise ValidationError({"assets": _("Choose records of this organization.")})
        found.assets.set(assets)
    return found


@service(perm=MANAGE_RETENTION, on="organisation", refs=("assets",))
def retention_event_record(
    *,
    actor: User,
    organisation: Organisation,
    source: str,
    subject: Any,
    event_type: str,
    date: dt.date,
    assets: list[Asset] | None = None,
    reason: str = "",
    started_on: dt.date | None = None,
) -> RetentionEvent:
    """Record that ``event_type`` happened to ``subject`` on ``date`` (a second report of the
    same event corrects its date, and a withdrawn one counts again). ``assets``: the record
    classes it concerns (None: keep what was set; empty: every one whose rules count from
    this kind of event). ``started_on``: when what the event ends began (入社日, 契約開始日),
    if the reporter knows it; an event before it is refused. It is checked, not kept."""
    if event_type not in EventType.values:
        raise ValidationError({"event_type": _("Choose a kind of event from the list.")})
    if source not in EventSource.values:
        raise ValidationError({"source": _("Unknown source of the event.")})
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ValidationError({"date": _("Enter a valid date.")})
    if problem := retention.before_start(event_type, date, started_on):
        raise ValidationError({"date": problem})
    found = _subject(organisation, subject, assets, event_type == EventType.LEAVING)
    event = RetentionEvent.objects.filter(subject=found, event_type=event_type).first()
    if event is None:
        event = RetentionEvent(
            organisation=organisation,
            subject=found,
            event_type=event_type,
            date=date,
            source=source,
            reason=reason,
        )
        event.full_clean()
        event.save()
    elif event.date != date or event.withdrawn:
        event.date, event.withdrawn, event.source = date, False, source
        event.reason = reason or _("Reported again through: {source}").format(
            source=EventSource(source).label
        )
        event.full_clean()
        event.version += 1
        event.save()
    recompute(organisation, [found])
    return event


def _reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why, for the history.")})
    return reason


@service(perm=MANAGE_RETENTION, on="event", versioned="version")
def retention_event_update(
    *, actor: User, event: RetentionEvent, data: dict[str, Any], version: int | None = None
) -> RetentionEvent:
    """Correct an event's date (a 退職日 fixed): the items' dates follow."""
    data = {"date": data.get("date", event.date), "reason": _reason(data.get("reason"))}
    updated = update_fields(event, data, version=version)
    recompute(event.organisation, [event.subject])
    return updated


@service(perm=MANAGE_RETENTION, on="event", versioned="version")
def retention_event_withdraw(
    *, actor: User, event: RetentionEvent, reason: str, version: int | None = None
) -> RetentionEvent:
    """The event did not happen after all (a rehire): it no longer counts."""
    if event.withdrawn:
        raise ValidationError(_("This event is withdrawn already."))
    data = {"withdrawn": True, "reason": _reason(reason)}
    updated = update_fields(event, data, version=version)
    recompute(event.organisation, [event.subject])
    return updated


@service(perm=MANAGE_RETENTION, on="item", refs=("data.hold_owner",), versioned="version")
def retention_hold_set(
    *, actor: User, item: RetentionItem, data: dict[str, Any], version: int | None = None
) -> RetentionItem:
    """Suspend deletion (evidence for an incident, a dispute) with reason, owner and the day
    the hold is reviewed."""
    owner = data.get("hold_owner")
    errors = {}
    if owner is None or not owner.belongs_to(item.organisation):
        errors["hold_owner"] = _("Choose a member of this organization.")
    if not data.get("hold_review_on"):
        errors["hold_review_on"] = _("Enter the day the hold is reviewed.")
    if errors:
        raise ValidationError(errors)
    values = {
        "held": True,
        "hold_reason": _reason(data.get("hold_reason")),
        "hold_owner": owner,
        "hold_review_on": data["hold_review_on"],
    }
    updated = update_fields(item, values, version=version)
    refresh_batches({item.batch_id})
    return updated


@service(perm=MANAGE_RETENTION, on="item", versioned="version")
def retention_hold_release(
    *, actor: User, item: RetentionItem, version: int | None = None
) -> RetentionItem:
    values = {"held": False, "hold_reason": "", "hold_owner": None, "hold_review_on": None}
    updated = update_fields(item, values, version=version)
    refresh_batches({item.batch_id})
    return updated


@service(perm=MANAGE_RETENTION, on="organisation")
def retention_events_import(
    *, actor: User, organisation: Organisation, rows: list[dict[str, Any]]
) -> int:
    """Record the previewed rows (subject, event_type, ISO date, asset ids) all at once,
    marked as imported; any refused row refuses the whole import."""
    ids = {pk for row in rows for pk in row.get("assets") or ()}
    assets = Asset.objects.in_bulk(ids)
    if len(assets) != len(ids) or any(
        a.organisation_id != organisation.pk for a in assets.values()
    ):
        raise ValidationError(_("Choose records of this organization."))
    for row in rows:
        try:
            day = dt.date.fromisoformat(row["date"])
            start = dt.date.fromisoformat(row["started_on"]) if row.get("started_on") else None
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"date": _("Enter a valid date.")}) from None
        retention_event_record(
            actor=actor,
            organisation=organisation,
            source=EventSource.IMPORT,
            subject=row.get("subject"),
            event_type=row.get("event_type"),
            date=day,
            assets=[assets[pk] for pk in row["assets"]] if row.get("assets") else None,
            started_on=start,
        )
    return len(rows)
