"""Routes of the SoA (under /soa/)."""

from django.urls import path

from .views import evidence, gap, soa, versions
from .views.transfer import urlpatterns as transfer_urls

app_name = "soa"

urlpatterns = [
    path("", soa.SoAIndexView.as_view(), name="index"),
    path("<int:scope_pk>/", soa.SoADetailView.as_view(), name="detail"),
    path("<int:scope_pk>/rows/<int:pk>/", soa.SoARowEditView.as_view(), name="row_edit"),
    path(
        "<int:scope_pk>/rows/<int:pk>/evidence/",
        evidence.RowEvidenceUploadView.as_view(),
        name="row_evidence_upload",
    ),
    path("<int:scope_pk>/bulk/", soa.SoABulkEditView.as_view(), name="bulk_edit"),
    path("<int:scope_pk>/gap/", gap.GapView.as_view(), name="gap"),
    path("<int:scope_pk>/approve/", soa.SoAApproveView.as_view(), name="approve"),
    path("<int:scope_pk>/versions/", versions.VersionListView.as_view(), name="versions"),
    path(
        "<int:scope_pk>/versions/<int:number>/",
        versions.VersionDetailView.as_view(),
        name="version_detail",
    ),
    path("<int:scope_pk>/compare/", versions.VersionCompareView.as_view(), name="compare"),
    *transfer_urls,
]
