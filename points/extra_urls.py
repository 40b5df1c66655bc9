"""URLs of the points sub-areas built in their own modules (shop, public notice and lists, party and credit)."""

from django.urls import include, path

urlpatterns = [
    path("shop/", include("points.shop.urls")),
    path("", include("points.public_urls")),
    path("party/", include("points.party.urls")),
]
