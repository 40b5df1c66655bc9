from django.urls import path

from deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("", views.home, name="home"),
]
