from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", views.user_list, name="user_list"),
    path("accounts/<int:user_id>/toggle/", views.user_toggle_active, name="user_toggle_active"),
    path("accounts/roles/<int:assignment_id>/revoke/", views.role_revoke, name="role_revoke"),
]
