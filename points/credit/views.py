"""Pages of credit use (积分授信): partners (county) and consents (household)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import scope
from core.errors import DomainError
from core.roles import Action
from core.views import api_twin, apply_domain_errors, post_back, require_action, submit
from points import credit
from points.forms import choose_among
from regions import selectors as region_selectors


class PartnerForm(forms.Form):
    county = forms.ModelChoiceField(label=gettext_lazy("County"), queryset=None)
    name = forms.CharField(label=gettext_lazy("Name of the bank or employer"), max_length=100)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("bank", gettext_lazy("Bank")), ("employer", gettext_lazy("Employer"))]
    )
    username = forms.CharField(label=gettext_lazy("Username of its account"), max_length=150)
    password = forms.CharField(
        label=gettext_lazy("Initial password"), widget=forms.PasswordInput(render_value=True), strip=False
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(self.fields["county"], counties, hide_single=True)


class VillagerConsentForm(forms.Form):
    partner = forms.ModelChoiceField(label=gettext_lazy("Bank or employer"), queryset=None)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class CadreConsentForm(forms.Form):
    village = forms.ModelChoiceField(label=gettext_lazy("Village"), queryset=None)
    number = forms.CharField(label=gettext_lazy("Household number"), max_length=32)
    partner = forms.ModelChoiceField(label=gettext_lazy("Bank or employer"), queryset=None)
    written_request = forms.CharField(
        label=gettext_lazy("Written request"),
        max_length=200,
        help_text=gettext_lazy("Date or number of the household's signed request; keep the paper in the archive."),
    )

    def __init__(self, *args, villages, partners, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(self.fields["village"], villages, hide_single=True)
        self.fields["partner"].queryset = partners


# -- credit: partners (county) and consents (household) -----------------------------------------------------


@login_required
@require_action(Action.POINTS_POLICY)
@api_twin("POST /api/points/credit/partners")
def party_credit(request):
    counties = credit.policy_counties(request.user)
    form = PartnerForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        try:
            partner = credit.partner_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Partner %(name)s registered with its account.") % {"name": partner.name})
            return redirect("points:party_credit")
    return render(
        request,
        "points/party/credit.html",
        {"form": form, "partners": credit.partners(request.user), "reads": credit.recent_reads(request.user)},
    )


@login_required
@require_POST
@require_action(Action.POINTS_POLICY)
@api_twin("POST /api/points/credit/partners/{partner_id}/active")
def party_partner_active(request, partner_id):
    partner = credit.access_partner(request.user, partner_id)
    active = request.POST.get("active") == "1"
    return post_back(
        request,
        lambda: credit.partner_set_active(actor=request.user, partner=partner, active=active),
        done=_("Partner enabled.") if active else _("Partner suspended."),
        to="points:party_credit",
    )


@login_required
@api_twin("POST /api/points/credit/consents")
def party_consents(request):
    """A villager's consents (grant and revoke); a cadre records consents on a household's written request."""
    household = credit.villager_household(request.user)
    is_cadre = scope.can(request.user, Action.POINTS_CONFIGURE)
    if household is None and not is_cadre:
        raise PermissionDenied()
    villager_form = cadre_form = None
    has_partners = household is not None and credit.county_partners(household).exists()
    if household is not None:
        villager_form = VillagerConsentForm(
            request.POST if request.POST.get("form") == "villager" else None,
            partners=credit.partners_for_household(household),
            prefix="own",
        )
    villages = region_selectors.villages(request.user, Action.POINTS_CONFIGURE) if is_cadre else None
    if is_cadre:
        from points.models import CreditPartner

        cadre_form = CadreConsentForm(
            request.POST if request.POST.get("form") == "cadre" else None,
            villages=villages,
            partners=CreditPartner.objects.filter(
                county_id__in=villages.values("county_id"), account__is_active=True
            ).order_by("name"),
            prefix="cadre",
        )
    if request.method == "POST":
        which = request.POST.get("form")
        form = villager_form if which == "villager" else cadre_form if which == "cadre" else None
        if form is None:
            raise PermissionDenied()

        def write(data):
            if form is villager_form:
                return credit.consent_grant(actor=request.user, household=household, partner=data["partner"])
            target = credit.household_for_cadre(request.user, data["village"].pk, data["number"])
            return credit.consent_grant(
                actor=request.user, household=target, partner=data["partner"], written_request=data["written_request"]
            )

        done = submit(
            request,
            form,
            write,
            done=_("Consent recorded. The partner may now read the points summary."),
            to="points:party_consents",
        )
        if done:
            return done
    consents = credit.consents_in_scope(request.user)
    own = [c for c in consents if household is not None and c.household_id == household.pk]
    others = [c for c in consents[:200] if household is None or c.household_id != household.pk]
    return render(
        request,
        "points/party/consents.html",
        {
            "household": household,
            "has_partners": has_partners,
            "own": own,
            "others": others,
            "villager_form": villager_form,
            "cadre_form": cadre_form,
            "is_cadre": is_cadre,
        },
    )


@login_required
@require_POST
@api_twin("POST /api/points/credit/consents/{consent_id}/revoke")
def party_consent_revoke(request, consent_id):
    consent = credit.access_consent(request.user, consent_id)
    return post_back(
        request,
        lambda: credit.consent_revoke(actor=request.user, consent=consent, reason=request.POST.get("reason", "")),
        done=_("Consent revoked. The partner can no longer read the summary."),
        to="points:party_consents",
    )
