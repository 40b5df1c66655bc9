from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("indicators/", views.definitions, name="definitions"),
    path("<int:region_id>/", views.place, name="place"),
    path("<int:region_id>.xlsx", views.place_xlsx, name="place_xlsx"),
]
