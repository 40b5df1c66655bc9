"""Pages without login: the village's decisions and their results (决议公开, 实施结果公开), and its village rules."""

from django.urls import path

from deliberation import public_views

app_name = "deliberation_public"
urlpatterns = [
    path("", public_views.decisions, name="decisions"),
    path("<int:pk>/", public_views.decision, name="decision"),
    path("<int:pk>/print/", public_views.decision_print, name="print"),
    path("rules/", public_views.rules, name="rules"),
]
