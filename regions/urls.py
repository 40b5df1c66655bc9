from django.urls import path

from regions import map_views, region_views, views

app_name = "regions"
urlpatterns = [
    path("", region_views.region_tree, name="region_tree"),
    path("<int:region_id>/children/", region_views.region_add_child, name="region_add_child"),
    path("options/<str:kind>/", region_views.options, name="options"),
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/new/", views.grid_create, name="grid_create"),
    path("grids/map/", map_views.grid_map, name="grid_map"),
    path("grids/map.geojson", map_views.grid_geojson, name="grid_geojson"),
    path("grids/<int:grid_id>/", views.grid_detail, name="grid_detail"),
    path("grids/<int:grid_id>/edit/", views.grid_edit, name="grid_edit"),
    path("grids/<int:grid_id>/staff/", views.grid_staff_add, name="grid_staff_add"),
    path("grids/<int:grid_id>/staff/<int:staff_id>/remove/", views.grid_staff_remove, name="grid_staff_remove"),
]
