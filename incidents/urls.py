from django.urls import path

from incidents import catalogue_views, kpi_views, map_views, views

app_name = "incidents"
urlpatterns = [
    # the loop (views.py)
    path("", views.incident_list, name="list"),
    path("report/", views.report, name="report"),
    path("mine/", views.my_reports, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("dispatch/", views.to_dispatch, name="to_dispatch"),
    path("board/", views.board, name="board"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/", views.detail, name="detail"),
    # the county's catalogue, departments and triage rules (catalogue_views.py)
    path("catalogue/", catalogue_views.matter_list, name="matter_list"),
    path("catalogue/new/", catalogue_views.matter_create, name="matter_create"),
    path("catalogue/<int:pk>/edit/", catalogue_views.matter_edit, name="matter_edit"),
    path("catalogue/<int:pk>/retire/", catalogue_views.matter_retire, name="matter_retire"),
    path("catalogue/<int:pk>/readmit/", catalogue_views.matter_readmit, name="matter_readmit"),
    path("departments/", catalogue_views.department_list, name="department_list"),
    path("departments/new/", catalogue_views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", catalogue_views.department_edit, name="department_edit"),
    path("rules/", catalogue_views.rule_list, name="rule_list"),
    path("rules/new/", catalogue_views.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", catalogue_views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", catalogue_views.rule_delete, name="rule_delete"),
    # the map (map_views.py)
    path("map/", map_views.incident_map, name="map"),
    path("map.geojson", map_views.incident_geojson, name="map_geojson"),
    path("<int:pk>/place.geojson", map_views.case_geojson, name="case_geojson"),
    # performance figures and the grid workers' assessment (kpi_views.py)
    path("kpi/", kpi_views.kpi, name="kpi"),
    path("kpi.xlsx", kpi_views.kpi_xlsx, name="kpi_xlsx"),
    path("assessment/", kpi_views.assessment, name="assessment"),
    path("assessment.xlsx", kpi_views.assessment_xlsx, name="assessment_xlsx"),
]
