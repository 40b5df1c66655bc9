"""Pages without login: the village's honour boards of a quarter (乡村八榜) and their A4 print."""

from django.urls import path

from honours import public_views

app_name = "honours_public"
urlpatterns = [
    path("", public_views.boards, name="boards"),
    path("print/", public_views.boards_print, name="print"),
]
