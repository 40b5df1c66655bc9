from django.urls import path

from committees import views

app_name = "committees"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/<int:pk>/end/", views.seat_end, name="seat_end"),
    path("sectors/<int:pk>/", views.sector, name="sector"),
]
