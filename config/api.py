"""The platform's API (django-ninja): OpenAPI schema at /api/openapi.json, docs at /api/docs."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError

from accounts.api import router as accounts_router
from accounts.api import users_router as accounts_users_router
from accounts.phone_api import router as phone_router
from casework.api import router as casework_router
from committees.api import router as committees_router
from core.api import API_AUTH, domain_error_body, error_body, validation_message
from core.api_audit import router as audit_router
from core.api_notifications import router as notifications_router
from core.api_pwa import router as phone_app_router
from core.errors import DomainError, NotFound, PermissionDenied
from customs.api import router as customs_router
from dashboards.api import router as dashboards_router
from deliberation.api import router as deliberation_router
from doorstep.api import router as doorstep_router
from finance.api import router as finance_router
from honours.api import router as honours_router
from incidents.api import router as incidents_router
from inspections.api import router as inspections_router
from mediation.api import router as mediation_router
from meetings.api import router as meetings_router
from messaging.api import router as messaging_router
from mutualaid.api import router as mutualaid_router
from points.api import router as points_router
from points.config_api import router as points_config_router
from points.credit.api import router as points_credit_router
from points.party.api import router as points_party_router
from points.public_api import router as points_public_router
from points.shop.api import router as points_shop_router
from powers.api import router as powers_router
from regions.api import router as regions_router
from registry.api import router as registry_router
from registry.api_excel import router as registry_excel_router
from targets.api import router as targets_router
from transparency.api import router as transparency_router
from visits.api import router as visits_router

api = NinjaAPI(
    title="乡村治理数字平台 API",
    version="1.0.0",
    description=gettext_lazy(
        "Village governance platform API. Authenticate with `POST /api/auth/token`, then send "
        "`Authorization: Bearer <token>`. Every endpoint is limited to the caller's scope."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    # Swagger UI from the platform's own static files ("ninja" in INSTALLED_APPS: ninja/static, collected by
    # collectstatic), never a CDN; no validator badge, which Swagger UI would fetch from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(NotFound)
def _not_found(request, exc):
    return api.create_response(request, error_body(_("Not found.")), status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, error_body(_("You do not have permission to do this.")), status=403)


@api.exception_handler(DomainError)
def _domain_error(request, exc):
    return api.create_response(request, domain_error_body(exc), status=422)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return api.create_response(request, error_body(_("Sign in first: send a valid bearer token.")), status=401)


@api.exception_handler(ValidationError)
def _validation(request, exc):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = list(err.get("loc", []))
        # ("query", "year") → "year"; ("body", "payload", "days") → "days", as a service's DomainError names it
        loc = loc[2:] if loc[:1] == ["body"] else loc[1:]
        loc = ".".join(str(p) for p in loc) or "body"
        errors.setdefault(loc, []).append(validation_message(err))
    return api.create_response(request, error_body(_("The input was not accepted."), errors), status=422)


api.add_router("/auth", accounts_router)
api.add_router("/auth", phone_router)
api.add_router("/accounts", accounts_users_router)
api.add_router("/", registry_router)
api.add_router("/", registry_excel_router)
api.add_router("/", regions_router)
api.add_router("/audit", audit_router)
api.add_router("/points", points_router)
api.add_router("/points", points_config_router)
api.add_router("/points", points_shop_router)
api.add_router("/points", points_public_router)
api.add_router("/points", points_party_router)
api.add_router("/points", points_credit_router)
api.add_router("/casework", casework_router)
api.add_router("/transparency", transparency_router)
api.add_router("/incidents", incidents_router)
api.add_router("/notifications", notifications_router)
api.add_router("/phone-app", phone_app_router)
api.add_router("/finance", finance_router)
api.add_router("/meetings", meetings_router)
api.add_router("/deliberation", deliberation_router)
api.add_router("/powers", powers_router)
api.add_router("/mediation", mediation_router)
api.add_router("/doorstep", doorstep_router)
api.add_router("/committees", committees_router)
api.add_router("/customs", customs_router)
api.add_router("/dashboards", dashboards_router)
api.add_router("/mutualaid", mutualaid_router)
api.add_router("/inspections", inspections_router)
api.add_router("/targets", targets_router)
api.add_router("/honours", honours_router)
api.add_router("/visits", visits_router)
api.add_router("/messaging", messaging_router)
