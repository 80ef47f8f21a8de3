"""Routes of measures and evidence files (under /measures/)."""

from django.urls import path

from .views import evidence, measures

app_name = "measures"

urlpatterns = [
    path("", measures.MeasureListView.as_view(), name="measure_list"),
    path("new/", measures.MeasureCreateView.as_view(), name="measure_create"),
    path("suggest/", measures.MeasureSuggestView.as_view(), name="measure_suggest"),
    path("export/", measures.MeasureExportView.as_view(), name="measure_export"),
    path("<int:pk>/", measures.MeasureEditView.as_view(), name="measure_edit"),
    path("<int:pk>/delete/", measures.MeasureDeleteView.as_view(), name="measure_delete"),
    path(
        "<int:pk>/evidence/",
        measures.MeasureEvidenceUploadView.as_view(),
        name="measure_evidence_upload",
    ),
    path("evidence/<int:pk>/", evidence.EvidenceDownloadView.as_view(), name="evidence_download"),
]
