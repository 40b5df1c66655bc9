from customs import views

app_name = "customs"

urlpatterns = views.urlpatterns
