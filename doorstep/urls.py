from doorstep.views import catalogue, certificates, figures, places, requests

app_name = "doorstep"

# each page module lists its own routes
urlpatterns = [
    *requests.urlpatterns,
    *catalogue.urlpatterns,
    *certificates.urlpatterns,
    *places.urlpatterns,
    *figures.urlpatterns,
]
