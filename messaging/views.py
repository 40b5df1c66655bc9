"""The pages of the messaging app: a person's own SMS choices (/messages/), and the county administrator's SMS
settings with the month's count and the delivery log (/messages/county/)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.roles import Action
from core.views import api_twin, paginate, require_action, submit
from messaging import selectors, services
from messaging.forms import ChoicesForm, SettingsForm
from messaging.models import SmsStatus


@login_required
@api_twin("PUT /api/messaging/preferences")
def preferences(request):
    choices = selectors.my_choices(request.user)
    form = ChoicesForm(request.POST or None, choices=choices)
    done = submit(
        request,
        form,
        lambda data: services.preferences_set(actor=request.user, choices=data),
        done=_("Your choices are saved."),
        to="messaging:preferences",
    )
    if done:
        return done
    rows = [{**row, "field": form[row["kind"]]} for row in choices]
    return render(
        request,
        "messaging/preferences.html",
        {"form": form, "rows": rows, "phone": request.user.phone_masked},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_action(Action.ACCOUNTS_MANAGE)
@api_twin("PUT /api/messaging/counties/{county_id}/settings")
def county(request):
    counties = list(selectors.managed_counties(request.user))
    if not counties:
        raise NotFound()
    chosen = next((c for c in counties if str(c.pk) == request.GET.get("county")), counties[0])
    current = selectors.county_settings(chosen)
    form = SettingsForm(request.POST or None, instance=current)
    done = submit(
        request,
        form,
        lambda data: services.settings_update(actor=request.user, county=chosen, **data),
        done=_("SMS settings saved."),
        to=request.get_full_path(),
    )
    if done:
        return done
    status = request.GET.get("status", "")
    status = status if status in SmsStatus.values else ""
    page = paginate(request, selectors.sms_log(request.user, chosen, status=status), 50)
    return render(
        request,
        "messaging/county.html",
        {
            "county": chosen,
            "counties": counties,
            "form": form,
            "used": selectors.month_used(chosen),
            "budget": current.monthly_budget,
            "page": page,
            "status": status,
            "statuses": SmsStatus.choices,
        },
        status=422 if request.method == "POST" else 200,
    )
