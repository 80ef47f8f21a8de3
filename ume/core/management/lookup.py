"""Finding the scope and the acting user of a command (``--scope``, ``--actor``), shared by the
import commands of every module."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from ..models import Scope, User
from ..selectors import administrator_list


def find_scope(value: str) -> Scope:
    """A scope by id, else by exact name; a name used by several scopes is refused."""
    value = value.strip()
    if value.isdigit() and (scope := Scope.objects.filter(pk=int(value)).first()):
        return scope
    matches = list(Scope.objects.filter(name=value).select_related("organisation").order_by("pk"))
    if not matches:
        raise CommandError(_("No ISMS scope has the id or name “{value}”.").format(value=value))
    if len(matches) > 1:
        raise CommandError(
            _("Several ISMS scopes are named “{value}”; give the id instead: {choices}.").format(
                value=value, choices=", ".join(f"{s.pk} ({s.organisation.name})" for s in matches)
            )
        )
    return matches[0]


def find_actor(scope: Scope, email: str | None) -> User:
    if email:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user has the e-mail address {email}.").format(email=email)
            )
        return user
    administrators = administrator_list(organisation=scope.organisation)
    if not administrators:
        raise CommandError(
            _("{organisation} has no active administrator; use --actor.").format(
                organisation=scope.organisation.name
            )
        )
    return administrators[0]
