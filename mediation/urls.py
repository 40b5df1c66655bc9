from django.urls import path

from mediation import views

app_name = "mediation"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.record, name="record"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/file.pdf", views.case_file, name="case_file"),
    path("statistics/", views.stats, name="statistics"),
    path("subsidies/", views.subsidy_list, name="subsidies"),
    path("bodies/", views.bodies, name="bodies"),
    path("bodies/<int:pk>/", views.body, name="body"),
    path("mediators/<int:pk>/", views.mediator, name="mediator"),
]
