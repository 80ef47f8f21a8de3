"""A user's own settings: e-mail of notifications (also stopped from a link in a mail) and
the calendar address."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ume.core.models import Organisation, User
from ume.core.policies import is_member
from ume.core.views.base import PolicyMixin, ServiceFormView, public_view

from .. import delivery, ical, kinds, selectors, services
from ..forms import PreferenceForm
from ..models import CalendarFeed
from ..permissions import VIEW_INBOX


class PreferenceView(ServiceFormView):
    """The user's own e-mail settings in the current organisation."""

    permission_required = VIEW_INBOX
    form_class = PreferenceForm
    page_title = gettext_lazy("Notification settings")
    success_url = reverse_lazy("notifications:settings")
    success_message = gettext_lazy("Your notification settings were saved.")

    def get_breadcrumbs(self):
        return [(_("Notifications"), reverse("notifications:inbox")), (_("Settings"), None)]

    template_name = "notifications/settings.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["calendar_feed"] = CalendarFeed.objects.filter(
            user=self.request.user, organisation=self.organisation
        ).first()
        return ctx

    def get_form_kwargs(self):
        pref = delivery.preference_of(self.request.user, self.organisation)
        return {**super().get_form_kwargs(), "instance": pref}

    def perform(self, form):
        return services.preference_update(
            actor=self.request.user,
            organisation=self.organisation,
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )


@public_view
def unsubscribe(request, token: str):
    """Stop one kind of e-mail from the link in a mail: the signed token names the user, the
    organisation and the kind, so no login is needed. A GET only asks; the POST acts (mail
    scanners that follow links change nothing)."""
    data = delivery.read_unsubscribe_token(token)
    kind = kinds.get(data["k"]) if data else None
    user = User.objects.filter(pk=data["u"], is_active=True).first() if data else None
    organisation = Organisation.objects.filter(pk=data["o"]).first() if data else None
    if kind is None or user is None or organisation is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done, error = False, ""
    if kind.code in selectors.mandatory_kinds(organisation):
        error = _("Your organization made this e-mail mandatory: it cannot be stopped.")
    elif request.method == "POST":
        services.unsubscribe(user=user, organisation=organisation, kind=kind.code)
        done = True
    context = {"kind": kind, "organisation": organisation, "done": done, "error": error}
    return render(request, "notifications/unsubscribe.html", context)


class CalendarIssueView(PolicyMixin, View):
    """Issue (or reissue) the user's calendar address and show it, once."""

    permission_required = VIEW_INBOX
    http_method_names = ["post"]

    def post(self, request):
        _feed, token = services.calendar_feed_issue(
            actor=request.user, organisation=request.organisation
        )
        url = delivery.site_url(reverse("notifications:calendar_feed", args=[token]))
        context = {
            "page_title": _("Calendar address"),
            "breadcrumbs": [
                (_("Notifications"), reverse("notifications:inbox")),
                (_("Settings"), reverse("notifications:settings")),
                (_("Calendar address"), None),
            ],
            "calendar_url": url,
        }
        return render(request, "notifications/calendar_issued.html", context)


class CalendarRevokeView(PolicyMixin, View):
    permission_required = VIEW_INBOX
    http_method_names = ["post"]

    def post(self, request):
        if services.calendar_feed_revoke(actor=request.user, organisation=request.organisation):
            messages.success(request, _("The calendar address no longer works."))
        return HttpResponseRedirect(reverse("notifications:settings"))


@public_view
def calendar_feed(request, token: str):
    """The calendar itself, for calendar applications (no login: the secret address is the
    proof). A revoked address, or one of a user who left, is not found."""
    feed = ical.feed_for(token)
    if feed is None or not (feed.user.is_active and is_member(feed.user, feed.organisation)):
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    response = HttpResponse(ical.ics(feed), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="ume.ics"'
    return response
