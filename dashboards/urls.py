from django.urls import path

from dashboards import map_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("indicators/", views.definitions, name="definitions"),
    path("<int:region_id>/", views.place, name="place"),
    path("<int:region_id>.xlsx", views.place_xlsx, name="place_xlsx"),
    path("<int:region_id>/map/", map_views.one_map, name="map"),
    path("<int:region_id>/map/places.geojson", map_views.map_places, name="map_places"),
    path("<int:region_id>/map/layers/<slug:key>.geojson", map_views.map_layer, name="map_layer"),
]
