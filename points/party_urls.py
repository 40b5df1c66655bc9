"""party URLs (being built)."""

urlpatterns = []
