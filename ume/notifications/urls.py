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
    path("rules/<str:code>/", views.RuleEditView.as_view(), name="rule_edit"),
    path("deliveries/export/", views.DeliveryExportView.as_view(), name="delivery_export"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/", views.OpenView.as_view(), name="open"),
    path("<int:pk>/read/", views.MarkReadView.as_view(), name="read"),
]
