"""A village's figures for its villagers, without login: /public/<village code>/figures/."""

from django.urls import path

from dashboards import public_views

app_name = "dashboards_public"

urlpatterns = [path("", public_views.figures, name="figures")]
