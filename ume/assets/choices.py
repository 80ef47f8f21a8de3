"""Choice lists of the information asset ledger (情報資産台帳). No seed defines ledger
columns: the lists are Ume's own design (「Ume独自」), labelled so in ``PROVENANCE``.
Labels follow the glossary (../shared/reference/glossary-ja-en.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssetType(models.TextChoices):
    INFORMATION = "information", _("Information")
    SOFTWARE = "software", _("Software")
    HARDWARE = "hardware", _("Hardware")
    SERVICE = "service", _("Service")
    PEOPLE = "people", _("People")
    FACILITY = "facility", _("Facility")


class Location(models.TextChoices):
    """Where the asset is kept (保管場所・媒体)."""

    PAPER = "paper", _("Paper (cabinet)")
    FILE_SERVER = "file_server", _("File server")
    SAAS = "saas", _("Cloud service (SaaS)")
    BUSINESS_SYSTEM = "system", _("Business system (own servers)")
    PC = "pc", _("PC")
    MOBILE = "mobile", _("Smartphone or tablet")
    REMOVABLE = "removable", _("USB memory or other removable media")
    OFFICE = "office", _("Office or premises")
    OTHER = "other", _("Other")


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", pgettext_lazy("asset status", "In use")
    TO_DISPOSE = "to_dispose", _("To be disposed of")
    DISPOSED = "disposed", _("Disposed of")


class DeviceKind(models.TextChoices):
    """Hardware that is an endpoint (8.1): it holds or reaches the organization's information."""

    PC = "pc", _("PC")
    SMARTPHONE = "smartphone", _("Smartphone")
    TABLET = "tablet", _("Tablet")
    REMOVABLE = "removable", _("Removable media")


class Ownership(models.TextChoices):
    LENT = "lent", _("Lent by the organization")
    PERSONAL = "personal", _("Personal (BYOD)")


class DeviceIdKind(models.TextChoices):
    """How a device allowed to connect from outside is recognised (seed 003, 8.1)."""

    CERTIFICATE = "certificate", _("Device certificate")
    MDM = "mdm", _("MDM device ID")
    MAC = "mac", _("MAC address")


class ImportanceRule(models.TextChoices):
    """How 重要度 follows from the C/I/A values (each 1–3)."""

    HIGHEST = "highest", _("The highest of the three values")
    SUM = "sum", _("The sum of the three: 3–4 → 1, 5–6 → 2, 7–9 → 3")


CIA_VALUES = (1, 2, 3)

# Where each built-in list comes from, shown with the lists and in exports.
PROVENANCE = {
    "asset_types": _(
        "Ume's own: the asset types of the issue (information, software, hardware, service, "
        "people, facility), after the kinds of assets JIS Q 27002 5.9 lists."
    ),
    "locations": _("Ume's own: where a small company's information is usually kept."),
    "importance": _(
        "Ume's own: importance as the highest C/I/A value is common practice in Japanese "
        "asset ledgers; the sum is offered for organizations that weigh all three."
    ),
}


class RuleKind(models.TextChoices):
    """Where a retention rule comes from: a law (built in) or the organization itself."""

    STATUTORY = "statutory", _("Statutory")
    OWN = "own", _("Own rule")
    CONTRACT = "contract", _("Contractual")


class NoPeriod(models.TextChoices):
    """A rule without a fixed period: it never gets a computed date."""

    PERMANENT = "permanent", _("Kept permanently")
    UNTIL_UNNEEDED = "until_unneeded", _("Until no longer needed for its purpose")


class EventType(models.TextChoices):
    """The business event (起算事由) a retention period counts from, and so where its dates
    come from: the people register (leaving), the supplier register (contract end), the
    organization profile (fiscal year end, tax filing deadline) or the record itself."""

    LEAVING = "leaving", _("Leaving (resignation, dismissal or death)")
    CONTRACT_END = "contract_end", _("End of a contract")
    FISCAL_YEAR_END = "fiscal_year_end", _("End of the fiscal year (closing of the books)")
    TAX_FILING_DEADLINE = "tax_filing_deadline", _("Corporate tax filing deadline")
    CREATED = "created", _("Record created")
    COMPLETED = "completed", _("Record completed (last entry)")
    MEETING = "meeting", _("Date of the meeting")
    OTHER = "other", _("Other event")


class EventSource(models.TextChoices):
    """Where a retention event came from. Until the people and supplier registers exist,
    their events are typed or imported (手入力)."""

    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported from a file")
    PEOPLE = "people", _("People register")
    SUPPLIERS = "suppliers", _("Supplier register")
    API = "api", _("Another system (API)")


class DeletionMethod(models.TextChoices):
    """How records were deleted or media erased (JIS Q 27001 A.8.10, A.7.14)."""

    LOGICAL = "logical", _("Logical deletion (deleted in the system)")
    OVERWRITE = "overwrite", _("Overwriting (data erasure software)")
    CRYPTO = "crypto", _("Cryptographic erasure (keys destroyed)")
    PHYSICAL = "physical", _("Physical destruction (media destroyed)")
    SHREDDING = "shredding", _("Shredding (paper)")
    DISSOLUTION = "dissolution", _("Dissolution (paper, by a contractor)")
    OTHER = "other", _("Other method")


class RemovalApprover(models.TextChoices):
    """Who may approve equipment leaving the premises (持出, A.7.13 / seed 003's adopted
    proposal #4: management approval). Top management may always approve."""

    DEPARTMENT_HEAD = "department_head", _("The head of the asset's department")
    TOP_MANAGEMENT = "top_management", _("Top management only")


class RemovalPurpose(models.TextChoices):
    REPAIR = "repair", _("Repair")
    FAULT_ANALYSIS = "fault_analysis", _("Fault analysis")
    DISPOSAL = "disposal", pgettext_lazy("equipment", "Disposal")
    OTHER = "other", _("Other purpose")


class DataHandling(models.TextChoices):
    """What was done to the data on the equipment before it left."""

    NO_DATA = "no_data", _("Holds no data")
    REMOVED = "removed", _("Storage removed and kept on the premises")
    ERASED = "erased", _("Data erased")
    ENCRYPTED = "encrypted", _("Data encrypted")
    NOTHING = "nothing", _("Nothing done (the data goes with it)")


class RemovalStatus(models.TextChoices):
    REQUESTED = "requested", _("Pending approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    DISPOSED = "disposed", _("Disposed of")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_REMOVAL = (RemovalStatus.REQUESTED, RemovalStatus.APPROVED)


class CheckResult(models.TextChoices):
    """An asset's answer in a 棚卸し (inventory review, A.5.9)."""

    PENDING = "pending", _("Not checked yet")
    CONFIRMED = "confirmed", _("Confirmed as registered")
    CORRECTED = "corrected", _("Corrected")
    NOT_FOUND = "not_found", _("Not found")
