"""Points shop pages, included at /points/shop/ in the "points" namespace."""

from django.urls import path

from points.shop import views

urlpatterns = [
    path("", views.shop_home, name="shop_home"),
    path("shops/new/", views.shop_create, name="shop_create"),
    path("shops/<int:shop_id>/", views.shop_detail, name="shop_detail"),
    path("shops/<int:shop_id>/edit/", views.shop_edit, name="shop_edit"),
    path("shops/<int:shop_id>/goods/new/", views.good_create, name="shop_good_create"),
    path("goods/<int:good_id>/edit/", views.good_edit, name="shop_good_edit"),
    path("goods/<int:good_id>/restock/", views.good_restock, name="shop_good_restock"),
    path("goods/<int:good_id>/redeem/", views.good_redeem, name="shop_good_redeem"),
    path("goods/<int:good_id>/counter/", views.good_counter, name="shop_good_counter"),
    path("goods/<int:good_id>/picture/", views.good_picture, name="shop_good_picture"),
    path("goods/<int:good_id>/thumb/", views.good_picture, {"size": "thumb"}, name="shop_good_thumb"),
    path("redemptions/", views.redemptions, name="shop_redemptions"),
    path("redemptions/pickup/", views.pickup, name="shop_pickup"),
    path("redemptions/<int:redemption_id>/", views.redemption_detail, name="shop_redemption"),
    path("redemptions/<int:redemption_id>/fulfil/", views.redemption_fulfil, name="shop_redemption_fulfil"),
    path("redemptions/<int:redemption_id>/cancel/", views.redemption_cancel, name="shop_redemption_cancel"),
]
