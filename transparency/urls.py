from django.urls import path

from transparency import views

app_name = "transparency"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
]
