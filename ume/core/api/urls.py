"""API routes: /api/v1/…, the OpenAPI schema at /api/schema/ and self-hosted docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("scopes", views.ScopeViewSet, basename="scope")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("audit-entries", views.AuditEntryViewSet, basename="auditentry")

SpectacularAPIView.public = True
SpectacularSwaggerView.public = True

urlpatterns = [
    path("v1/me/", views.MeView.as_view(), name="api-me"),
    path("v1/organisation/", views.OrganisationView.as_view(), name="api-organisation"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
