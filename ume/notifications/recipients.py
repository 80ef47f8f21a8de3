"""Who receives a reminder: the kind's recipient roles resolved in one organisation, with the
lookups shared by every item of a scheduler run."""

from datetime import date
from functools import cached_property

from ume.core import selectors as core_selectors
from ume.core.choices import Role

from . import kinds


class Recipients:
    """Resolves the recipient roles of ``kinds`` (owner, department head, 事務局,
    administrators) for one organisation."""

    def __init__(self, organisation, today: date) -> None:
        self.organisation = organisation
        self.today = today

    @cached_property
    def secretariat(self) -> list:
        """The ISMS 事務局; the administrators when the organisation has named none."""
        found = core_selectors.role_holders(
            organisation=self.organisation, roles=(Role.SECRETARIAT,), today=self.today
        )
        return found or self.administrators

    @cached_property
    def administrators(self) -> list:
        return core_selectors.role_holders(
            organisation=self.organisation, roles=(Role.ADMIN,), today=self.today
        )

    @cached_property
    def departments(self) -> dict:
        return core_selectors.departments_of_members(organisation=self.organisation)

    def of(self, kind: kinds.ReminderKind, item: kinds.DueItem) -> list:
        people: list = []
        for who in kind.recipients:
            if who == kinds.OWNER and item.owner is not None:
                people.append(item.owner)
            elif who == kinds.DEPARTMENT_HEAD:
                department = item.department or (
                    self.departments.get(item.owner.pk) if item.owner is not None else None
                )
                if department is not None and department.head_id is not None:
                    people.append(department.head)
            elif who == kinds.SECRETARIAT:
                people.extend(self.secretariat)
            elif who == kinds.ADMINISTRATORS:
                people.extend(self.administrators)
        return list({p.pk: p for p in people if p.is_active}.values())
