from django.urls import path

from powers import views

app_name = "powers"
urlpatterns = [
    path("", views.home, name="home"),
]
