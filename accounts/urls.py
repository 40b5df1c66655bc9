from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import import_views, phone_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/phone/", phone_views.phone_login, name="phone_login"),
    path("password/reset/", phone_views.password_reset, name="password_reset"),
    path("accounts/", views.user_list, name="user_list"),
    path("accounts/import/", import_views.import_accounts, name="import"),
    path("accounts/import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("accounts/import/template.xlsx", import_views.import_template, name="import_template"),
    path("accounts/<int:user_id>/toggle/", views.user_toggle_active, name="user_toggle_active"),
    path("accounts/roles/<int:assignment_id>/revoke/", views.role_revoke, name="role_revoke"),
]
