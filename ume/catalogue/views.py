"""Catalogue pages: browse, filter and search the 93 controls; one control's guidance."""

from collections import OrderedDict

from django.http import Http404
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from ume.core.views.base import PageView

from . import provenance as marks
from . import ranking, selectors
from .choices import LEVEL_RANK, Level, Theme
from .forms import CatalogueFilterForm
from .models import pick
from .permissions import VIEW_CONTROL
from .recommend import profile_of, recommend

CATALOGUE = (gettext_lazy("Annex A catalogue"), reverse_lazy("catalogue:control_list"))


class ControlListView(PageView):
    permission_required = VIEW_CONTROL
    template_name = "catalogue/control_list.html"
    page_title = gettext_lazy("Annex A catalogue")
    breadcrumbs = [(gettext_lazy("Annex A catalogue"), None)]

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["catalogue/partials/control_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = CatalogueFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        controls = list(
            selectors.control_list(
                actor=self.request.user,
                organisation=self.organisation,
                query=data.get("q", ""),
                theme=data.get("theme", ""),
                attribute_values=form.attribute_values() if data else [],
                new_in_2022=True if data.get("new") == "1" else None,
            )
        )
        profile = profile_of(self.organisation)
        for control in controls:
            control.recommended = recommend(control, profile)
        ctx.update(form=form, total=len(controls))
        if query := data.get("q", "").strip():
            # A search lists its results by relevance, each with the sentence that matched.
            ctx["ranked"] = ranking.rank(controls, query)
            return ctx
        groups: OrderedDict[str, list] = OrderedDict((t, []) for t in Theme.values)
        for control in controls:
            groups[control.theme].append(control)
        ctx["themes"] = [
            (value, label, groups[value]) for value, label in Theme.choices if groups[value]
        ]
        return ctx


class ControlDetailView(PageView):
    permission_required = VIEW_CONTROL
    reference_data = True  # the same for every organisation (only the recommendation differs)
    template_name = "catalogue/control_detail.html"

    def get_control(self):
        if not hasattr(self, "_control"):
            self._control = selectors.control_get(
                actor=self.request.user, organisation=self.organisation, ref=self.kwargs["ref"]
            )
            if self._control is None:
                raise Http404
        return self._control

    def get_breadcrumbs(self):
        control = self.get_control()
        return [CATALOGUE, (f"{control.ref} {control.tr('title')}", None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        control = self.get_control()
        variants = list(control.variants.all())
        levels = []
        for level, label in reversed(Level.choices):  # 松 at the top, as the seed draws it
            mine = [v for v in variants if v.level == level]
            for v in mine:
                v._sibling_count = len(mine)
            title = pick(control.level_titles.get(level)) or DEFAULT_LEVEL_TITLES[level]
            levels.append({"level": level, "label": label, "title": title, "variants": mine})
        rec = recommend(control, profile_of(self.organisation))
        proposals = list(control.proposals.all())
        by_attribute: dict[str, list] = {}
        for value in control.attribute_values.all():
            by_attribute.setdefault(value.get_attribute_display(), []).append(value)
        ctx.update(
            control=control,
            page_title=f"{control.ref} {control.tr('title')}",
            levels=levels,
            recommended=rec,
            rank=LEVEL_RANK,
            attributes=by_attribute.items(),
            sources_2013=[c.ref for c in control.sources_2013.all()],
            measures=[(pick(m), m["provenance"]) for m in control.measures],
            examples=[(pick(m), m["provenance"]) for m in control.information_examples],
            notes=[(pick(m), m["provenance"]) for m in control.notes],
            proposals=proposals,
            proposal_by_ref={p.ref: p for p in proposals},
            cited=marks.cited(_all_marks(control, variants)),
        )
        return ctx


def _all_marks(control, variants) -> list[dict]:
    rec = control.recommendation
    return [
        *control.provenance.values(),
        *(m["provenance"] for m in control.measures + control.information_examples),
        *(m["provenance"] for m in control.notes),
        *(v.provenance for v in variants),
        rec["default_reason"]["provenance"],
        *(r["provenance"] for r in rec["rules"]),
        control.procedure_provenance,
    ]


DEFAULT_LEVEL_TITLES = {
    Level.UME: gettext_lazy("Minimum necessary implementation"),
    Level.TAKE: gettext_lazy("Implementation of the main requirements"),
    Level.MATSU: gettext_lazy("Full implementation"),
}
