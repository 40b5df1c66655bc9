from django.urls import path

from messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("county/", views.county, name="county"),
]
