from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.ControlListView.as_view(), name="control_list"),
    path("<str:ref>/", views.ControlDetailView.as_view(), name="control_detail"),
]
