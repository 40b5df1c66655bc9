from django.urls import path

from transparency import views

app_name = "transparency"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/files/", views.attach, name="attach"),
    path("<int:pk>/files/<int:attachment_id>/remove/", views.detach, name="detach"),
    path("<int:pk>/ask/", views.ask, name="ask"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("files/<int:pk>/table/", views.attachment_table, name="table"),
    path("questions/", views.questions, name="questions"),
    path("check/", views.check_queue, name="check_queue"),
    path("calendar/", views.calendar, name="calendar"),
    path("supervision/", views.supervision, name="supervision"),
    path("policy/", views.policy, name="policy"),
]
