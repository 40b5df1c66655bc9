"""The village's grid notice without login (网格公示: sectors, grids, whom to call)."""

from django.urls import path

from committees import views

app_name = "committees_public"
urlpatterns = [path("", views.grid_notice, name="grid_notice")]
