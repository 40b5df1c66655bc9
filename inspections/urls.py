from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="publish"),
    path("rounds/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("rounds/<int:pk>/board/", views.board, name="board"),
    path("inspections/<int:pk>/recheck/", views.recheck, name="recheck"),
    path("deductions/<int:pk>/photo/", views.photo, name="photo"),
    path("deductions/<int:pk>/thumb/", views.photo, {"thumb": True}, name="thumb"),
    path("sheets/", views.sheets, name="sheets"),
    path("sheets/new/", views.sheet_new, name="sheet_new"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("summary/", views.summary, name="summary"),
]
