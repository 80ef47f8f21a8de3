"""Routes of the inbox (under /notifications/)."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("badge/", views.BadgeView.as_view(), name="badge"),
    path("read-all/", views.MarkAllReadView.as_view(), name="read_all"),
    path("settings/", views.PreferenceView.as_view(), name="settings"),
    path("calendar/issue/", views.CalendarIssueView.as_view(), name="calendar_issue"),
    path("calendar/revoke/", views.CalendarRevokeView.as_view(), name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("deliveries/", views.DeliveryLogView.as_view(), name="deliveries"),
    path("rules/", views.RuleListView.as_view(), name="rules"),
    path("webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/new/", views.WebhookCreateView.as_view(), name="webhook_create"),
    path("webhooks/<int:pk>/", views.WebhookEditView.as_view(), name="webhook_edit"),
    path("webhooks/<int:pk>/delete/", views.WebhookDeleteView.as_view(), name="webhook_delete"),
    path("webhooks/<int:pk>/test/", views.WebhookTestView.as_view(), name="webhook_test"),
    path("rules/<str:code>/", views.RuleEditView.as_view(), name="rule_edit"),
    path("deliveries/export/", views.DeliveryExportView.as_view(), name="delivery_export"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/", views.OpenView.as_view(), name="open"),
    path("<int:pk>/read/", views.MarkReadView.as_view(), name="read"),
]
