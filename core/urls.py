from django.urls import path

from core import pwa, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit_list"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notification_read_all, name="notifications_read_all"),
    path("large-text/", views.large_text, name="large_text"),
    path("settings/phone-app/", pwa.settings_page, name="phone_app_settings"),
]
