"""public URLs (being built)."""

urlpatterns = []
