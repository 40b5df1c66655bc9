from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from core import pwa
from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # the installable app: manifest, service worker (root scope), offline page (core/pwa.py)
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    path("offline/", pwa.offline, name="pwa_offline"),
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True)),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("regions/", include("regions.urls")),
    path("points/", include("points.urls")),
    path("casework/", include("casework.urls")),
    path("incidents/", include("incidents.urls")),
    path("transparency/", include("transparency.urls")),
    path("public/<str:village_code>/notices/", include("transparency.public_urls")),
    path("finance/", include("finance.urls")),
    path("meetings/", include("meetings.urls")),
    path("deliberation/", include("deliberation.urls")),
    path("public/<str:village_code>/decisions/", include("deliberation.public_urls")),
    path("powers/", include("powers.urls")),
    path("mediation/", include("mediation.urls")),
    path("doorstep/", include("doorstep.urls")),
    path("committees/", include("committees.urls")),
    path("public/<str:village_code>/grids/", include("committees.public_urls")),
    path("customs/", include("customs.urls")),
    path("mutualaid/", include("mutualaid.urls")),
    path("inspections/", include("inspections.urls")),
    path("targets/", include("targets.urls")),
    path("visits/", include("visits.urls")),
    path("honours/", include("honours.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("messages/", include("messaging.urls")),
    path("public/<str:village_code>/figures/", include("dashboards.public_urls")),
    path("public/<str:village_code>/honours/", include("honours.public_urls")),
    path("", include("core.urls")),
]
