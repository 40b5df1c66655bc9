from targets import views

app_name = "targets"

urlpatterns = views.urlpatterns
