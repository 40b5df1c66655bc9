"""Pages without login: the village's decisions and their results (决议公开, 实施结果公开)."""

from django.urls import path

from deliberation import views

app_name = "deliberation_public"
urlpatterns = [
    path("", views.home, name="decisions"),
]
