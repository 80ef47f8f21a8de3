"""The REST API: every app registers its routes on one router under /api/v1/; the OpenAPI
schema is at /api/schema/ and self-hosted docs at /api/docs/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ume.assets.api import urls as assets_api
from ume.catalogue.api import urls as catalogue_api
from ume.core.api import urls as core_api
from ume.measures.api import urls as measures_api
from ume.notifications.api import urls as notifications_api
from ume.risks.api import urls as risks_api
from ume.soa.api import urls as soa_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for app in (
    core_api,
    catalogue_api,
    measures_api,
    soa_api,
    assets_api,
    risks_api,
    notifications_api,
):
    app.register(router)

# The schema and its documentation page are public: they describe the API, not data.
SpectacularAPIView.public = True
SpectacularSwaggerSplitView.public = True

urlpatterns = [
    *core_api.urlpatterns,
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script from ?script, not inline, so the page runs
    # under the Content-Security-Policy without 'unsafe-inline'.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
