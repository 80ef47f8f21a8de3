"""Import of a ledger (preview, then apply) and the template to fill in. The preview's
serialisable form waits in the session (one per organization) until the user confirms; the
apply step refuses a preview that expired, was replaced by another upload, or whose assets
changed since."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView

from ume.core.exports import Table, export_response, filename_for, write_xlsx
from ume.core.locking import StaleEditError
from ume.core.models import Scope
from ume.core.policies import can
from ume.core.views.base import PolicyMixin

from .. import services
from ..exports import HEADERS
from ..importers import AssetImportPreview, preview_ledger
from ..permissions import ADD_ASSET
from ..selectors import classification_levels

LEDGER = (gettext_lazy("Information assets"), reverse_lazy("assets:asset_list"))
SESSION_KEY = "asset_import_preview"
MAX_MESSAGES = 20


class AssetImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel (.xlsx) or CSV file"))
    scope = forms.ModelChoiceField(label=gettext_lazy("ISMS scope"), queryset=Scope.objects.none())

    def __init__(self, *args, organisation, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scopes = Scope.objects.filter(organisation=organisation, is_active=True).order_by("name")
        allowed = [s.pk for s in scopes if can(actor, ADD_ASSET, s)]
        self.fields["scope"].queryset = scopes.filter(pk__in=allowed)


class AssetImportView(PolicyMixin, FormView):
    """Upload a file; the response is the preview (nothing is written yet)."""

    permission_required = ADD_ASSET
    template_name = "assets/import.html"
    form_class = AssetImportForm
    page_title = gettext_lazy("Import the ledger")
    breadcrumbs = [LEDGER, (gettext_lazy("Import"), None)]

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.request.organisation,
            "actor": self.request.user,
        }

    def get_initial(self):
        scope = getattr(self.request, "scope", None)
        return {"scope": scope.pk if scope else None}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "max_mb": round(settings.UME_IMPORT_MAX_BYTES / 1024 / 1024, 1),
        }

    def form_valid(self, form):
        scope = form.cleaned_data["scope"]
        preview = preview_ledger(scope=scope, uploaded=form.cleaned_data["file"])
        if preview.ok and (preview.creates or preview.updates):
            self.request.session[SESSION_KEY] = preview.as_dict()
        else:
            self.request.session.pop(SESSION_KEY, None)
        context = {
            **self.get_context_data(form=form),
            "preview": preview,
            "scope": scope,
            "counts": preview.counts(),
            "page_title": _("Check the import"),
            "breadcrumbs": [
                LEDGER,
                (_("Import"), reverse("assets:import")),
                (_("Preview"), None),
            ],
        }
        return TemplateResponse(self.request, "assets/import_preview.html", context)


class AssetImportApplyView(PolicyMixin, View):
    """POST ``preview`` (the id shown on the preview page): apply it, all or nothing."""

    permission_required = ADD_ASSET
    http_method_names = ["post"]

    def post(self, request):
        back = redirect("assets:import")
        preview = AssetImportPreview.from_session(request.session.pop(SESSION_KEY, None))
        scope = (
            Scope.objects.filter(organisation=request.organisation, pk=preview.scope_id).first()
            if preview
            else None
        )
        if (
            preview is None
            or scope is None
            or preview.expired()
            or request.POST.get("preview") != preview.preview_id
        ):
            messages.warning(
                request,
                _(
                    "The preview has expired or was replaced by another upload. "
                    "Upload the file again."
                ),
            )
            return back
        try:
            count = services.assets_import(
                actor=request.user,
                scope=scope,
                creates=preview.creates,
                updates=preview.updates,
                versions=preview.versions or None,
            )
        except StaleEditError as exc:
            messages.warning(request, " ".join(exc.messages))
            return back
        except ValidationError as exc:
            for message in exc.messages[:MAX_MESSAGES]:
                messages.error(request, message)
            return back
        messages.success(
            request,
            ngettext(
                "{count} asset was imported into the ledger.",
                "{count} assets were imported into the ledger.",
                count,
            ).format(count=count),
        )
        return redirect("assets:asset_list")


class AssetTemplateView(PolicyMixin, View):
    """An empty ledger with the import's headers, one example row and a sheet of the values
    each column accepts."""

    permission_required = ADD_ASSET
    http_method_names = ["get"]

    def get(self, request) -> HttpResponse:
        headers = [str(h) for h in HEADERS]
        levels = [lv.label for lv in classification_levels(request.organisation)]
        example = {
            str(HEADERS[1]): _("Customer list"),
            str(HEADERS[3]): _("Information"),
            str(HEADERS[4]): request.user.email,
            str(HEADERS[6]): _("Cloud service (SaaS)"),
            str(HEADERS[9]): next(iter(levels[1:2]), ""),
            str(HEADERS[10]): 3,
            str(HEADERS[11]): 2,
            str(HEADERS[12]): 2,
            str(HEADERS[14]): "○",
        }
        ledger = Table(
            title=_("Information assets"),
            headers=headers,
            rows=[[example.get(h, "") for h in headers]],
        )
        guide = Table(
            title=_("How to fill it in"),
            headers=[_("column"), _("what to enter")],
            rows=[[str(column), str(text)] for column, text in GUIDE],
        )
        return export_response(
            write_xlsx([ledger, guide]),
            filename=filename_for(_("asset ledger template"), "xlsx"),
            kind="xlsx",
        )


GUIDE = [
    (
        HEADERS[0],
        gettext_lazy(
            "Leave empty for a new asset: the next number is given. "
            "An existing number updates that asset."
        ),
    ),
    (
        HEADERS[1],
        gettext_lazy(
            "Required. 同上 (same as above) is accepted in every column "
            "but this one and the number."
        ),
    ),
    (HEADERS[2], gettext_lazy("Empty, or the scope chosen when importing.")),
    (HEADERS[4], gettext_lazy("A member's e-mail address or full name.")),
    (
        HEADERS[9],
        gettext_lazy(
            "A classification level of the ledger settings (e.g. 極秘, 秘, 社外秘, 公開)."
        ),
    ),
    (
        HEADERS[10],
        gettext_lazy(
            "1 to 3, or 高, 中, 低; full-width digits are read. "
            "Importance follows from the three values."
        ),
    ),
    (HEADERS[14], gettext_lazy("○ or × (also あり/なし, Yes/No); - or empty for no.")),
    (HEADERS[13], gettext_lazy("Not read: it follows from C/I/A by the ledger settings' rule.")),
    (HEADERS[18], gettext_lazy("Not read: link measures on the asset's page.")),
    (HEADERS[20], gettext_lazy("2025/4/1, 2025年4月1日, 令和7年4月1日, R7.4.1 or an Excel date.")),
]
