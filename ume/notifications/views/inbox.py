"""The inbox: a user's notifications, the bell's unread count, marking read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from ume.core.views.base import PageView, PolicyMixin

from .. import selectors, services
from ..forms import READ, UNREAD, InboxFilterForm
from ..permissions import VIEW_INBOX

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
