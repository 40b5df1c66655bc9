from django.urls import include, path

from points import views

app_name = "points"
urlpatterns = [
    path("", views.points_home, name="home"),
    path("me/", views.my_points, name="me"),
    path("record/", views.record, name="record"),
    path("record/households/", views.record_household_search, name="record_household_search"),
    path("declare/", views.declare, name="declare"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:scheme_id>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:scheme_id>/rulebooks/new/", views.rulebook_create, name="rulebook_create"),
    path("rulebooks/<int:rulebook_id>/", views.rulebook_detail, name="rulebook_detail"),
    path("schemes/<int:scheme_id>/bulk/", views.bulk_record, name="bulk_record"),
    path("schemes/<int:scheme_id>/review/", views.review, name="review"),
    path("schemes/<int:scheme_id>/standings/", views.standings, name="standings"),
    path("schemes/<int:scheme_id>/quarter/", views.quarter, name="quarter"),
    path("entries/<int:entry_id>/appeal/", views.appeal_file, name="appeal_file"),
    path("entries/<int:entry_id>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("county/", views.county_ranking, name="county_ranking"),
    path("schemes/<int:scheme_id>/honours/", views.honours, name="honours"),
    path("appeals/<int:appeal_id>/", views.appeal_detail, name="appeal"),
    path("", include("points.extra_urls")),
]
