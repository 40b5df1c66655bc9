from honours import views

app_name = "honours"

urlpatterns = views.urlpatterns
