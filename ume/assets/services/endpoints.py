"""The endpoint list kept as evidence of controls 8.1 (user endpoint devices) and 6.7 (remote
working) on the scope's Statement of Applicability, through the measures app's evidence files
(the file and its SHA-256 stay as they were on the day)."""

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from ume.core.exports import write_xlsx
from ume.core.models import Scope, User
from ume.core.services import service
from ume.measures.models import EvidenceFile
from ume.measures.permissions import UPLOAD_EVIDENCE

from .. import endpoints
from ..exports import endpoint_table
from ..models import Asset
from .evidence import keep_as_evidence

CONTROLS = ("8.1", "6.7")


@service(perm=UPLOAD_EVIDENCE, on="scope")
def endpoint_list_keep_as_evidence(*, actor: User, scope: Scope) -> EvidenceFile:
    """Write the scope's endpoint list (xlsx) and link it to its 8.1 and 6.7 SoA rows."""
    devices = endpoints.with_flags(
        Asset.objects.filter(scope=scope)
        .filter(endpoints.ENDPOINT)
        .select_related("scope", "owner", "byod_approved_by")
        .order_by("ref"),
        timezone.localdate(),
    )
    data = write_xlsx([endpoint_table(devices)])
    day = timezone.localdate().strftime("%Y%m%d")
    name = _("endpoints_{scope}_{day}.xlsx").format(scope=scope.name, day=day)
    description = _("Endpoint list (8.1, 6.7) as of {day}").format(
        day=timezone.localdate().strftime("%Y/%m/%d")
    )
    uploaded = ContentFile(data, name=name)
    return keep_as_evidence(actor, scope, uploaded, description, CONTROLS, require_soa=True)
