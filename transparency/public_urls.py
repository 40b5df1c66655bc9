
app_name = "transparency_public"
urlpatterns: list = []
