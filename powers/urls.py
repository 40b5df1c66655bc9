from django.urls import path

from powers import config_views, views

app_name = "powers"
urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.power_list, name="list"),
    path("list/<int:pk>/", views.power_detail, name="power"),
    path("list/<int:power_pk>/apply/", views.apply, name="apply"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/object/", views.object_, name="object"),
    path("cases/<int:pk>/objections/<int:objection_pk>/answer/", views.answer, name="answer"),
    path("cases/<int:pk>/files/<int:file_pk>/", views.attachment, name="file"),
    path("cases/<int:pk>/print/", views.case_print, name="print"),
    path("cases/<int:pk>/notice/", views.notice_print, name="notice_print"),
    path("queue/", views.queue, name="queue"),
    path("review/", views.review, name="review"),
    path("overview/", views.overview, name="overview"),
    path("configure/", config_views.configure, name="configure"),
    path("configure/new/", config_views.power_edit, name="power_new"),
    path("configure/<int:pk>/", config_views.power_edit, name="power_edit"),
    path("public/<str:village_code>/", views.public_board, name="public_board"),
    path("public/<str:village_code>/<int:pk>/", views.public_case, name="public_case"),
]
