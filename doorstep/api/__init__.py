"""Services on the doorstep API (/api/doorstep): each module its own router. A request is read and its steps taken
through the generic case API (``GET /api/casework/cases/doorstep/<id>``, ``POST …/steps/<step>``, casework.api), to
which ``requests.request_detail`` adds the item, the materials and the certificate."""

from ninja import Router

from doorstep.api import catalogue, certificates, figures, places, requests

router = Router(tags=["doorstep"])
for module in (requests, catalogue, certificates, places, figures):
    router.add_router("", module.router)
