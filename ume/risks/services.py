"""Writes of risk assessment. Each is a ``@service``: permission first, one transaction,
audited as the actor."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ume.core.locking import check_version
from ume.core.models import Organisation, User
from ume.core.services import service
from ume.core.validators import validate_single_line

from . import matrix
from .models import RiskMethod
from .permissions import CHANGE_METHOD

LABEL_MAX = 100
EDITABLE = (
    "likelihood_labels",
    "impact_labels",
    "low_max",
    "medium_max",
    "acceptance_max",
    "note",
)


def _steps(value: Any, field: str) -> list[dict[str, str]]:
    """A scale as ``[{"ja": …, "en": …}, …]``: Japanese required, English optional."""
    if not isinstance(value, list) or not all(isinstance(s, dict) for s in value):
        raise ValidationError({field: _("Give the scale as a list of steps.")})
    steps = []
    for number, step in enumerate(value, start=1):
        ja, en = (str(step.get(k) or "").strip() for k in ("ja", "en"))
        if not ja:
            raise ValidationError(
                {field: _("Step {number} has no Japanese name.").format(number=number)}
            )
        for text in (ja, en):
            if len(text) > LABEL_MAX:
                raise ValidationError(
                    {
                        field: _("Step {number} is longer than {limit} characters.").format(
                            number=number, limit=LABEL_MAX
                        )
                    }
                )
            try:
                validate_single_line(text)
            except ValidationError as exc:
                raise ValidationError({field: exc.messages}) from None
        steps.append({"ja": ja, "en": en})
    return steps


@service(perm=CHANGE_METHOD, on="organisation", versioned="version")
def risk_method_revise(
    *, actor: User, organisation: Organisation, data: dict[str, Any], version: int | None = None
) -> RiskMethod:
    """Write the next revision of the organization's risk method (6.1.2 a–b). ``version`` is
    the revision the change was based on; the earlier revisions stay as they were."""
    # The organization's row serialises revisions: a second one waiting here then reads the
    # revision the first wrote and is refused as stale, instead of numbering the same revision.
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk"))
    current = RiskMethod.objects.filter(organisation=organisation).order_by("-version").first()
    check_version(current, version)
    fields = {
        "likelihood_labels": current.likelihood_labels,
        "impact_labels": current.impact_labels,
        "low_max": current.low_max,
        "medium_max": current.medium_max,
        "acceptance_max": current.acceptance_max,
        "note": "",
        **{key: value for key, value in data.items() if key in EDITABLE},
    }
    fields["likelihood_labels"] = _steps(fields["likelihood_labels"], "likelihood_labels")
    fields["impact_labels"] = _steps(fields["impact_labels"], "impact_labels")
    revision = RiskMethod(
        organisation=organisation, version=current.version + 1, created_by=actor, **fields
    )
    revision.full_clean(exclude=["organisation", "created_by"])
    problems = matrix.errors(revision.method)
    if problems:
        raise ValidationError(problems)
    revision.save()
    return revision
