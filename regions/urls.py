from django.urls import path

from regions import views

app_name = "regions"
urlpatterns = [
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/<int:grid_id>/", views.grid_detail, name="grid_detail"),
]
