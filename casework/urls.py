from django.urls import path

from casework import views

app_name = "casework"
urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/days/", views.calendar_days, name="calendar_days"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("attachments/<int:pk>/thumb/", views.attachment_thumb, name="attachment_thumb"),
    path("cases/<str:flow>/<int:pk>/", views.case, name="case"),
    path("cases/<str:flow>/<int:pk>/steps/<str:step>/", views.step, name="step"),
]
