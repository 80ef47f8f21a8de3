"""Ume URL configuration. Every route is covered by tests/test_route_permissions.py."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("ume.api_urls")),
    path("catalogue/", include("ume.catalogue.urls")),
    path("measures/", include("ume.measures.urls")),
    path("soa/", include("ume.soa.urls")),
    path("assets/", include("ume.assets.urls")),
    path("risks/", include("ume.risks.urls")),
    path("notifications/", include("ume.notifications.urls")),
    path("", include("ume.core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
