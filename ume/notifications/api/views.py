"""Notifications API: the user's own inbox (list, one notification, mark read). Like the bell,
it shows only what the recipient may still see; marking read changes the caller's own
notifications only, so every member may do it, whatever their role."""

import django_filters as filters
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from ume.core.api.views import OrgViewSet

from .. import kinds, selectors, services
from ..forms import READ, UNREAD
from ..models import Notification
from ..permissions import VIEW_INBOX
from .serializers import MarkedSerializer, NotificationSerializer, ReadAllSerializer


class NotificationFilter(filters.FilterSet):
    state = filters.ChoiceFilter(
        choices=[(UNREAD, "unread"), (READ, "read")], method="by_state", label="state"
    )
    kind = filters.ChoiceFilter(choices=lambda: [(k.code, k.code) for k in kinds.all_kinds()])

    class Meta:
        model = Notification
        fields = ["state", "kind"]

    def by_state(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == UNREAD)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgViewSet):
    """Your notifications (お知らせ) in the organization, newest first. A notification whose
    record is gone or no longer visible to you is left out."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    model = Notification
    permission_required = VIEW_INBOX
    write_permission_required = VIEW_INBOX
    own_state_only = True  # its writes mark the caller's own notifications read, nothing else

    def select(self):
        return selectors.notification_list(
            actor=self.request.user, organisation=self.organisation
        ).select_related("content_type")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        shown = [s for s in selectors.visible(request.user, page) if not s.hidden]
        return self.get_paginated_response(self.get_serializer(shown, many=True).data)

    def shown(self):
        shown = selectors.visible(self.request.user, [self.get_object()])[0]
        if shown.hidden:
            raise Http404
        return shown

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.shown()).data)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read."""
        shown = self.shown()
        services.notification_mark_read(actor=request.user, notification=shown.notification)
        return Response(self.get_serializer(shown).data)

    @extend_schema(request=ReadAllSerializer, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None)
    def read_all(self, request):
        """Mark all your unread notifications read (of one kind, if given)."""
        body = ReadAllSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = services.notifications_mark_all_read(
            actor=request.user,
            organisation=self.organisation,
            kind=body.validated_data.get("kind", ""),
        )
        return Response(MarkedSerializer({"marked": marked}).data)
