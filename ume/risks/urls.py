from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("method/", views.RiskMethodView.as_view(), name="method"),
    path("method/edit/", views.RiskMethodEditView.as_view(), name="method_edit"),
]
