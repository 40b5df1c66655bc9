"""The village's public notice board, without login: /public/<village code>/notices/…"""

from django.urls import path

from transparency import public_views

app_name = "transparency_public"
urlpatterns = [
    path("", public_views.board, name="board"),
    path("<int:pk>/", public_views.notice, name="notice"),
    path("<int:pk>/print/", public_views.notice_print, name="print"),
    path("<int:pk>/files/<int:attachment_id>/", public_views.attachment, name="attachment"),
    path("<int:pk>/files/<int:attachment_id>/table/", public_views.table, name="table"),
]
