"""Party points (双项积分、三色预警、四方督评) and credit use (积分授信), under /points/party/ in namespace "points"."""

from django.urls import path

from points.credit import views as credit_views
from points.party import views

urlpatterns = [
    path("", views.party_home, name="party_home"),
    path("new/", views.party_scheme_create, name="party_scheme_create"),
    path("<int:scheme_id>/", views.party_scheme, name="party_scheme"),
    path("<int:scheme_id>/lines/", views.party_lines, name="party_lines"),
    path("<int:scheme_id>/evaluate/", views.party_evaluate, name="party_evaluate"),
    path("<int:scheme_id>/year/", views.party_year, name="party_year"),
    path("credit/", credit_views.party_credit, name="party_credit"),
    path("credit/partners/<int:partner_id>/active/", credit_views.party_partner_active, name="party_partner_active"),
    path("consents/", credit_views.party_consents, name="party_consents"),
    path("consents/<int:consent_id>/revoke/", credit_views.party_consent_revoke, name="party_consent_revoke"),
]
