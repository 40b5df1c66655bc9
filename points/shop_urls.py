"""shop URLs (being built)."""

urlpatterns = []
