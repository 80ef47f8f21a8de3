"""Routes of the platform API (registered on the project's router in ume/api_urls.py)."""

from django.urls import path

from . import views


def register(router) -> None:
    router.register("scopes", views.ScopeViewSet, basename="scope")
    router.register("departments", views.DepartmentViewSet, basename="department")
    router.register("memberships", views.MembershipViewSet, basename="membership")
    router.register("audit-entries", views.AuditEntryViewSet, basename="auditentry")


urlpatterns = [
    path("v1/me/", views.MeView.as_view(), name="api-me"),
    path("v1/organisation/", views.OrganisationView.as_view(), name="api-organisation"),
]
