"""Turning due dates into reminders: run daily by the worker (``manage.py send_reminders``).

For every organisation and every registered kind, each open item gets the newest stage that
has come (``ReminderKind.stage``). Running twice on a day, missing a day, or two workers at
once changes nothing: a stage is raised once per recipient (the unique key of
``Notification``), and a day missed is made up by the next run raising the stage it missed,
not every stage in between."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType

from ume.core.models import Organisation, User
from ume.core.policies import can

from . import kinds
from .models import KindSetting, Notification
from .recipients import Recipients
from .services import store_new


@dataclass(frozen=True)
class Planned:
    """One reminder a run raises (or, in a dry run, would raise)."""

    kind: kinds.ReminderKind
    organisation: Organisation
    item: kinds.DueItem
    stage: int
    recipient: User
    new: bool

    def row(self) -> tuple:
        """The notification's columns, as ``services.store_new`` takes them."""
        return (
            self.organisation.pk,
            self.recipient.pk,
            self.kind.code,
            ContentType.objects.get_for_model(self.item.record).pk,
            self.item.record.pk,
            self.item.title[:300],
            self.item.due,
            self.stage,
        )


def plan(*, today: date, organisations=None, codes=()) -> Iterator[Planned]:
    """Every reminder due ``today``, marked new or already raised (nothing is written)."""
    organisations = organisations if organisations is not None else Organisation.objects.all()
    chosen = [k for k in kinds.all_kinds() if not codes or k.code in codes]
    for organisation in organisations.order_by("pk"):
        people = Recipients(organisation, today)
        own = {s.kind: s for s in KindSetting.objects.filter(organisation=organisation)}
        for kind in chosen:
            effective = kinds.for_organisation(kind, own.get(kind.code))
            yield from _plan_kind(effective, organisation, people, today)


def _plan_kind(kind, organisation, people: Recipients, today: date) -> Iterator[Planned]:
    staged = []
    for item in kind.due_items(organisation, today):
        stage = kind.stage(item.due, today)
        if stage is not None:
            staged.append((item, stage))
    if not staged:
        return
    # What this kind already raised in the organisation for these due dates: one query.
    raised = set(
        Notification.objects.filter(
            organisation=organisation,
            kind=kind.code,
            due__gte=min(item.due for item, _ in staged),
            due__lte=max(item.due for item, _ in staged),
        ).values_list("content_type_id", "object_id", "due", "stage", "recipient_id")
    )
    for item, stage in staged:
        target = kind.permission_object(item.record)
        type_id = ContentType.objects.get_for_model(item.record).pk
        for user in people.of(kind, item):
            if can(user, kind.permission, target):
                key = (type_id, item.record.pk, item.due, stage, user.pk)
                yield Planned(kind, organisation, item, stage, user, key not in raised)


def compute_reminders(*, today: date, organisations=None, codes=()) -> Counter:
    """Raise every reminder due ``today``; returns how many were new per kind code."""
    new = [p for p in plan(today=today, organisations=organisations, codes=codes) if p.new]
    store_new([p.row() for p in new])
    return Counter(p.kind.code for p in new)
