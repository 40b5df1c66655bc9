"""Points pages around the red and black lists: the county's consequences (and its appeal settings), a
scheme's list rules, and the mentorships (1对1联系帮扶) of black-listed households."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import api_twin, apply_domain_errors, require_action, submit
from points import selectors, services
from points.models import ConsequenceType, ListKind, ListMethod, ListRule, Mentorship
from regions.models import Region, RegionLevel
from registry.models import Person

# -- the county's consequences ------------------------------------------------------------------------------


class ConsequenceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Consequence"), max_length=100)
    forbidden = forms.BooleanField(
        label=gettext_lazy("Forbidden: touches a statutory entitlement"),
        required=False,
    )
    legal_note = forms.CharField(
        label=gettext_lazy("Legal note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown to village cadres when they choose consequences for a list."),
    )


class CountySettingsForm(forms.Form):
    appeal_answer_days = forms.IntegerField(
        label=gettext_lazy("Working days to answer an appeal"),
        min_value=1,
        max_value=60,
        help_text=gettext_lazy(
            "The review group decides an appeal within this many working days of its filing; an appeal not "
            "decided in time is flagged overdue. A change applies to appeals filed afterwards."
        ),
    )


def policy_counties(actor) -> list[Region]:
    ids = scope.targets(actor, "county", Action.POINTS_POLICY)
    return list(Region.objects.filter(pk__in=ids, level=RegionLevel.COUNTY).order_by("code"))


@login_required
@require_action(Action.POINTS_POLICY)
@api_twin("PUT /api/points/county-settings", "POST /api/points/consequences")
def policy(request):
    """The county administrator keeps which consequences lists may carry, and why some are forbidden."""
    counties = policy_counties(request.user)
    if not counties:
        raise PermissionDenied()
    county = next((c for c in counties if str(c.pk) == request.GET.get("county")), counties[0])
    settings_form = CountySettingsForm(
        request.POST if request.POST.get("form") == "settings" else None,
        prefix="settings",
        initial={"appeal_answer_days": services.appeal_answer_days(county.pk)},
    )
    rows = ConsequenceType.objects.filter(county=county).annotate(
        rules=Count("listrule", filter=Q(listrule__is_active=True))
    )
    back = f"{reverse('points:policy')}?{urlencode({'county': county.pk})}"

    def page(form, editing=None):
        return render(
            request,
            "points/lists/policy.html",
            {
                "counties": counties,
                "county": county,
                "rows": rows,
                "form": form,
                "editing": editing,
                "settings_form": settings_form,
            },
        )

    if settings_form.is_bound:
        done = submit(
            request,
            settings_form,
            lambda data: services.county_settings_save(actor=request.user, county=county, **data),
            done=_("Settings saved."),
            to=back,
        )
        return done or page(ConsequenceForm())
    editing = None
    edit_id = request.POST.get("edit") or request.GET.get("edit")
    if edit_id:
        editing = next((c for c in rows if str(c.pk) == str(edit_id)), None)
        if editing is None:
            raise Http404()
    initial = (
        {"name": editing.name, "forbidden": editing.forbidden, "legal_note": editing.legal_note} if editing else None
    )
    form = ConsequenceForm(request.POST or None, initial=initial)
    if editing is not None:
        form.fields["name"].disabled = True
    done = submit(
        request,
        form,
        lambda data: services.consequence_save(
            actor=request.user,
            county=county,
            name=editing.name if editing else data["name"],
            forbidden=data["forbidden"],
            legal_note=data["legal_note"].strip(),
        ),
        done=_("Consequence saved."),
        to=back,
    )
    return done or page(form, editing)


# -- a scheme's list rules ----------------------------------------------------------------------------------


class ConsequenceCheckboxes(forms.CheckboxSelectMultiple):
    """Forbidden consequences are shown, greyed out, with the county's reason."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None and instance.forbidden:
            option["attrs"]["disabled"] = True
            option["label"] = _("%(name)s (forbidden by the county)") % {"name": instance.name}
        return option


class ListRuleForm(forms.Form):
    rule = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=gettext_lazy("List"), choices=ListKind.choices)
    method = forms.ChoiceField(label=gettext_lazy("Who goes on it"), choices=ListMethod.choices)
    value = forms.DecimalField(
        label=gettext_lazy("Value"),
        max_digits=9,
        decimal_places=2,
        help_text=gettext_lazy("A share in per cent (at most 50), or a score."),
    )
    consequences = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Consequences"),
        queryset=ConsequenceType.objects.none(),
        required=False,
        widget=ConsequenceCheckboxes,
    )
    consequence_text = forms.CharField(
        label=gettext_lazy("Consequences in words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("As posted on the notice, e.g. who visits the household and when."),
    )
    duration_quarters = forms.IntegerField(
        label=gettext_lazy("Duration (quarters)"), min_value=1, max_value=4, initial=1
    )

    def __init__(self, *args, county_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consequences"].queryset = ConsequenceType.objects.filter(county_id=county_id)


def _rule_initial(rule: ListRule) -> dict:
    return {"rule": rule.pk, **model_to_dict(rule, fields=[f for f in ListRuleForm.base_fields if f != "rule"])}


@login_required
@require_action(Action.POINTS_CONFIGURE)
@api_twin("POST /api/points/schemes/{scheme_id}/list-rules")
def list_rules(request, scheme_id):
    """红黑榜: the scheme's list rules (add, change) and the mentorships of black-listed subjects."""
    scheme = selectors.access_scheme(request.user, scheme_id, Action.POINTS_CONFIGURE)
    county = scheme.county
    rules = list(scheme.list_rules.prefetch_related("consequences").order_by("kind", "id"))
    rule_id = request.POST.get("rule") or request.GET.get("rule")
    editing = None
    if rule_id:
        editing = next((r for r in rules if str(r.pk) == str(rule_id)), None)
        if editing is None:
            raise Http404()
    form = ListRuleForm(
        request.POST or None, county_id=scheme.county_id, initial=_rule_initial(editing) if editing else None
    )
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["consequences"])
        try:
            services.list_rule_save(
                actor=request.user, scheme=scheme, **{**form.cleaned_data, "consequences": chosen, "rule": editing}
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
            for c in chosen:
                if c.forbidden and c.legal_note:
                    form.add_error("consequences", f"{c.name}：{c.legal_note}")
        else:
            messages.success(request, _("List rule saved."))
            return redirect("points:list_rules", scheme_id=scheme.pk)
    consequences = list(ConsequenceType.objects.filter(county_id=scheme.county_id))
    for rule in rules:
        rule.forbidden_now = [c for c in rule.consequences.all() if c.forbidden]
    mentorships = (
        Mentorship.objects.filter(scheme=scheme)
        .select_related("publication", "mentor", "household")
        .order_by(F("upgraded_on").asc(nulls_first=True), "-publication__year", "-publication__quarter", "id")
    )
    return render(
        request,
        "points/lists/rules.html",
        {
            "scheme": scheme,
            "county": county,
            "rules": rules,
            "form": form,
            "editing": editing,
            "forbidden": [c for c in consequences if c.forbidden],
            "mentorships": mentorships,
        },
    )


# -- mentorships (1对1联系帮扶) -----------------------------------------------------------------------------


def mentor_candidates(mentorship: Mentorship, q: str = "") -> tuple[list[Person], list[Person]]:
    """(party members, other residents matching ``q``) of the village who may mentor: living, adult, not
    of the mentored household. Party members come first; other residents only when searched for."""
    adult_before = timezone.localdate() - timedelta(days=18 * 365 + 4)
    base = (
        Person.objects.filter(village_id=mentorship.scheme.village_id, is_deceased=False)
        .filter(Q(birth_date__isnull=True) | Q(birth_date__lte=adult_before))
        .select_related("household")
        .order_by("name", "id")
    )
    if mentorship.household_id:
        base = base.exclude(household_id=mentorship.household_id)
    members = list(base.filter(party_membership__isnull=False)[:300])
    others: list[Person] = []
    q = (q or "").strip()
    if q:
        others = list(base.filter(party_membership__isnull=True, name__contains=q)[:50])
    if mentorship.mentor_id and all(p.pk != mentorship.mentor_id for p in members + others):
        others.insert(0, mentorship.mentor)
    return members, others


def _person_label(p: Person) -> str:
    head = p.household.head_name if p.household_id else ""
    return f"{p.name}（{head}户）" if head else p.name


class MentorshipForm(forms.Form):
    mentor = forms.TypedChoiceField(label=gettext_lazy("Mentor"), coerce=int, required=False, empty_value=None)
    visited_on = forms.DateField(
        label=gettext_lazy("Date of the visit"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    visit_note = forms.CharField(
        label=gettext_lazy("Visit note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What was talked about and what changed; added to the record with the date."),
    )
    upgraded = forms.BooleanField(label=gettext_lazy("Upgraded (转化升级): the household has changed"), required=False)

    def __init__(self, *args, members, others, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— keep as it is —"))]
        if members:
            choices.append((_("Party members"), [(p.pk, _person_label(p)) for p in members]))
        if others:
            choices.append((_("Other residents"), [(p.pk, _person_label(p)) for p in others]))
        self.fields["mentor"].choices = choices
        self.candidates = {p.pk: p for p in members + others}


@login_required
@require_action(Action.POINTS_CONFIGURE)
@api_twin("PUT /api/points/mentorships/{mentorship_id}")
def mentorship_detail(request, mentorship_id):
    try:
        mentorship = Mentorship.objects.select_related("scheme", "scheme__village", "publication", "mentor").get(
            pk=mentorship_id
        )
    except Mentorship.DoesNotExist:
        raise Http404() from None
    if not scope.in_scope(request.user, Action.POINTS_CONFIGURE, mentorship.scheme):
        raise Http404()
    q = request.GET.get("q", "")
    members, others = mentor_candidates(mentorship, q)
    form = MentorshipForm(
        request.POST or None,
        members=members,
        others=others,
        initial={"mentor": mentorship.mentor_id, "visited_on": timezone.localdate()},
    )

    def write(data):
        mentor = form.candidates.get(data["mentor"]) if data["mentor"] else None
        try:
            services.mentorship_update(actor=request.user, mentorship=mentorship, **{**data, "mentor": mentor})
        except NotFound:
            raise Http404() from None

    done = submit(
        request,
        form,
        write,
        done=_("Mentorship updated."),
        to=("points:mentorship", {"mentorship_id": mentorship.pk}),
    )
    return done or render(
        request,
        "points/lists/mentorship.html",
        {
            "m": mentorship,
            "form": form,
            "q": q,
            "visits": [line for line in mentorship.notes.splitlines() if line.strip()],
            "member_count": len(members),
        },
    )
