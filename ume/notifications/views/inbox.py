"""The inbox: a user's notifications, the bell's unread count, marking read."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from ume.core.exports import (
    Table,
    exceeds_export_limit,
    export_meta,
    export_response,
    filename_for,
    write_xlsx,
)
from ume.core.models import Organisation, User
from ume.core.policies import is_member
from ume.core.views.base import ListView, PageView, PolicyMixin, ServiceFormView, public_view

from .. import delivery, ical, kinds, selectors, services
from ..filters import DeliveryFilter
from ..forms import READ, UNREAD, InboxFilterForm, PreferenceForm
from ..models import CalendarFeed, DeliveryStatus
from ..permissions import VIEW_DELIVERY_LOG, VIEW_INBOX
from ..tables import DeliveryTable

PER_PAGE = 50


class InboxView(PageView):
    permission_required = VIEW_INBOX
    template_name = "notifications/inbox.html"
    page_title = gettext_lazy("Notifications")

    def get_breadcrumbs(self):
        return [(_("Notifications"), None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = InboxFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        items = selectors.notification_list(actor=self.request.user, organisation=self.organisation)
        unread = items.filter(read_at__isnull=True).exists()
        if data.get("state") == UNREAD:
            items = items.filter(read_at__isnull=True)
        elif data.get("state") == READ:
            items = items.filter(read_at__isnull=False)
        if data.get("kind"):
            items = items.filter(kind=data["kind"])
        page = Paginator(items, PER_PAGE).get_page(self.request.GET.get("page"))
        shown = selectors.visible(self.request.user, list(page.object_list))
        ctx.update(
            filter_form=form,
            page_obj=page,
            shown=[s for s in shown if not s.hidden],
            hidden_count=sum(s.hidden for s in shown),
            any_unread=unread,
            filtered=any(data.values()),
        )
        return ctx


class BadgeView(PolicyMixin, TemplateView):
    """The bell's count, loaded by htmx after the page (pages themselves stay unchanged)."""

    permission_required = VIEW_INBOX
    template_name = "notifications/partials/badge.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        count = selectors.unread_count(actor=self.request.user, organisation=self.organisation)
        ctx["count"] = count
        ctx["label"] = f"{selectors.BADGE_LIMIT}+" if count > selectors.BADGE_LIMIT else count
        return ctx


class _OwnNotification(PolicyMixin):
    permission_required = VIEW_INBOX

    def notification(self):
        return get_object_or_404(
            selectors.notification_list(actor=self.request.user, organisation=self.organisation),
            pk=self.kwargs["pk"],
        )


class OpenView(_OwnNotification, View):
    """Open a notification's record; opening it marks it read."""

    redirects = True  # the route walker expects a redirect, not a page

    def get(self, request, pk: int):
        notification = self.notification()
        shown = selectors.visible(request.user, [notification])[0]
        if shown.hidden:
            raise Http404
        services.notification_mark_read(actor=request.user, notification=notification)
        return HttpResponseRedirect(shown.url)


class MarkReadView(_OwnNotification, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        services.notification_mark_read(actor=request.user, notification=self.notification())
        return HttpResponseRedirect(_back(request))


class MarkAllReadView(PolicyMixin, View):
    permission_required = VIEW_INBOX
    http_method_names = ["post"]

    def post(self, request):
        count = services.notifications_mark_all_read(
            actor=request.user, organisation=request.organisation, kind=request.POST.get("kind", "")
        )
        messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
        return HttpResponseRedirect(_back(request))


def _back(request) -> str:
    """Back to the inbox page the form was on (only a path on this site)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("notifications:inbox")


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


class DeliveryLogView(ListView):
    """What was mailed to whom, what failed and why (the 事務局's delivery log)."""

    permission_required = VIEW_DELIVERY_LOG
    template_name = "notifications/delivery_list.html"
    table_class = DeliveryTable
    filterset_class = DeliveryFilter
    page_title = gettext_lazy("E-mail delivery log")

    def get_breadcrumbs(self):
        return [(_("Notifications"), reverse("notifications:inbox")), (self.page_title, None)]

    def get_queryset(self):
        return selectors.delivery_list(actor=self.request.user, organisation=self.organisation)


EXPORT_HEADERS = [
    gettext_lazy("created at"),
    gettext_lazy("recipient"),
    gettext_lazy("subject"),
    gettext_lazy("status"),
    gettext_lazy("attempts"),
    gettext_lazy("reason"),
    gettext_lazy("sent at"),
]


class DeliveryExportView(PolicyMixin, View):
    """The filtered delivery log as an Excel workbook."""

    permission_required = VIEW_DELIVERY_LOG
    http_method_names = ["get"]

    def get(self, request):
        deliveries = selectors.delivery_list(actor=request.user, organisation=request.organisation)
        filterset = DeliveryFilter(request.GET, queryset=deliveries)
        if not filterset.is_valid():
            messages.error(request, _("Check the filter conditions."))
            return HttpResponseRedirect(reverse("notifications:deliveries"))
        if exceeds_export_limit(filterset.qs):
            messages.error(
                request,
                _(
                    "More than {limit} deliveries match. Narrow the conditions and export again."
                ).format(limit=settings.UME_EXPORT_MAX_ROWS),
            )
            return HttpResponseRedirect(reverse("notifications:deliveries"))
        statuses = dict(DeliveryStatus.choices)
        rows = (
            [
                _local(d.created_at),
                d.recipient.email,
                d.subject,
                str(statuses.get(d.status, d.status)),
                d.attempts,
                d.last_error,
                _local(d.sent_at) if d.sent_at else "",
            ]
            for d in filterset.qs
        )
        table = Table(
            title=_("E-mail delivery log"), headers=[str(h) for h in EXPORT_HEADERS], rows=rows
        )
        return export_response(
            write_xlsx([table], meta=export_meta(request)),
            filename=filename_for(_("delivery log"), "xlsx"),
            kind="xlsx",
        )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y/%m/%d %H:%M")


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
