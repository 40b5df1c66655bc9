"""积分公示 and the pages around the lists: the public notice (no login), the county's consequences,
a scheme's list rules and mentorships, and the grid's monthly ledger (一网格一档).

The public pages render a publication's frozen snapshot and nothing else: masked names, grid, score,
stars, rank and the lists. A later correction of the ledger never changes what was posted.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import api_twin, apply_domain_errors, require_action, submit
from points import ledger_export, selectors, services
from points.models import ConsequenceType, ListKind, ListMethod, ListRule, Mentorship, Publication
from regions.models import Region, RegionLevel
from registry.models import Person
from registry.views_excel import xlsx_response

# -- the public notice ------------------------------------------------------------------------------------

ROW_FIELDS = ("rank", "name", "grid", "score", "stars", "lists")
CORRECTION_FIELDS = ("name", "grid", "points", "entry", "entry_date", "year", "quarter", "publication")
NOTICE_PAGE_SIZE = 50
LIST_ORDER = (ListKind.RED, ListKind.BLACK)


def points_text(value) -> str:
    """Points without trailing zeros: 12.50 → 12.5, 10.00 → 10, -5.00 → -5."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def public_snapshot(snapshot: dict) -> dict:
    """Only the keys a notice shows: whatever else a snapshot might hold never reaches a page or the API."""
    snapshot = snapshot or {}
    lists = snapshot.get("lists") or {}
    return {
        "scheme": str(snapshot.get("scheme", "")),
        "village": str(snapshot.get("village", "")),
        "year": snapshot.get("year"),
        "quarter": snapshot.get("quarter"),
        "rows": [{k: row.get(k) for k in ROW_FIELDS} for row in snapshot.get("rows") or []],
        "corrections": [{k: c.get(k) for k in CORRECTION_FIELDS} for c in snapshot.get("corrections") or []],
        "lists": {
            kind: {
                "names": list((lists.get(kind) or {}).get("names") or []),
                "consequences": list((lists.get(kind) or {}).get("consequences") or []),
                "consequence_text": str((lists.get(kind) or {}).get("consequence_text") or ""),
                "duration_quarters": int((lists.get(kind) or {}).get("duration_quarters") or 0),
            }
            for kind in LIST_ORDER
            if kind in lists
        },
    }


def notice_title(village: str, scheme: str, year, quarter) -> str:
    return _("%(village)s %(scheme)s notice (Q%(quarter)s %(year)s)") % {
        "village": village,
        "scheme": scheme,
        "year": year,
        "quarter": quarter,
    }


def notice(publication: Publication) -> dict:
    """What a notice shows, from the frozen snapshot only."""
    snap = public_snapshot(publication.snapshot)
    labels = {ListKind.RED: _("Red list"), ListKind.BLACK: _("Black list")}
    raw_rows = (publication.snapshot or {}).get("rows") or []
    rows = []
    for index, row in enumerate(snap["rows"]):
        on = row.get("lists") or []
        raw = raw_rows[index] if index < len(raw_rows) and isinstance(raw_rows[index], dict) else {}
        rows.append(
            {
                "rank": row.get("rank"),
                "name": row.get("name") or "",
                "grid": row.get("grid") or "",
                # on the sheet the village's name before the grid's says nothing: 兴山村第1网格 → 第1网格
                "grid_short": (row.get("grid") or "").removeprefix(snap["village"]) or (row.get("grid") or ""),
                "score": points_text(row.get("score")),
                "stars": int(row.get("stars") or 0),
                "red": ListKind.RED in on,
                "black": ListKind.BLACK in on,
                # 户号, searched for on the page; notices posted before it was kept have none
                "number": str(raw.get("number") or ""),
            }
        )
    corrections = [
        {
            "name": c.get("name") or "",
            "grid": c.get("grid") or "",
            "points": points_text(c.get("points")),
            "entry": c.get("entry"),
            "entry_date": _iso_date(c.get("entry_date")),
            "year": c.get("year"),
            "quarter": c.get("quarter"),
            "publication": c.get("publication"),
        }
        for c in snap["corrections"]
    ]
    lists = [
        {
            "kind": kind,
            "label": labels[kind],
            "names": data["names"],
            "consequences": data["consequences"],
            "consequence_text": data["consequence_text"],
            "duration_quarters": data["duration_quarters"],
        }
        for kind, data in snap["lists"].items()
    ]
    return {
        "publication": publication,
        "id": publication.pk,
        "title": notice_title(snap["village"], snap["scheme"], snap["year"], snap["quarter"]),
        "village": snap["village"],
        "scheme": snap["scheme"],
        "year": snap["year"],
        "quarter": snap["quarter"],
        "posted_on": timezone.localtime(publication.published_at).date(),
        "rows": rows,
        "shown": rows,
        "corrections": corrections,
        "lists": lists,
        "has_stars": any(r["stars"] for r in rows),
        "has_numbers": any(r["number"] for r in rows),
    }


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _same_number(wanted: str, number: str) -> bool:
    """户号 as typed: exactly, or without its leading zeros (12 finds 0012)."""
    return bool(number) and (number == wanted or number.lstrip("0") == wanted.lstrip("0") != "")


def notice_page(request, data: dict, *, per_page: int = NOTICE_PAGE_SIZE) -> dict:
    """The rows the notice page shows: a page of them (``?page=``), or the rows of one 户号 (``?number=``)."""
    wanted = (request.GET.get("number") or "").strip()[:32]
    if wanted:
        data["number"] = wanted
        data["shown"] = [r for r in data["rows"] if _same_number(wanted, r["number"])]
        data["page"] = None
    else:
        page = Paginator(data["rows"], per_page).get_page(request.GET.get("page"))
        data["shown"], data["page"] = list(page.object_list), page
    return data


def _public(response):
    """Public notices are for the village, not for search engines."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _village_or_404(code: str) -> Region:
    village = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).select_related("township", "county").first()
    if village is None:
        raise Http404()
    return village


def public_village(request, village_code):
    """The village's notice board: each scheme's latest notice in full, earlier ones listed, latest first."""
    village = _village_or_404(village_code)
    publications = list(
        Publication.objects.filter(scheme__village=village)
        .select_related("scheme")
        .order_by("scheme__name", "scheme_id", "-year", "-quarter")
    )
    sections: list[dict] = []
    for publication in publications:
        if not sections or sections[-1]["scheme"].pk != publication.scheme_id:
            latest = notice(publication)
            latest["shown"], latest["more"] = latest["rows"][:NOTICE_PAGE_SIZE], len(latest["rows"]) > NOTICE_PAGE_SIZE
            sections.append({"scheme": publication.scheme, "latest": latest, "earlier": []})
        else:
            sections[-1]["earlier"].append(publication)
    sections.sort(key=lambda s: (-s["latest"]["publication"].year, -s["latest"]["publication"].quarter))
    return _public(render(request, "points/public/village.html", {"village": village, "sections": sections}))


def _publication_or_404(publication_id) -> Publication:
    return get_object_or_404(Publication.objects.select_related("scheme", "scheme__village"), pk=publication_id)


def public_publication(request, publication_id):
    publication = _publication_or_404(publication_id)
    if request.GET.get("print"):
        return public_publication_print(request, publication_id)
    return _public(
        render(
            request,
            "points/public/publication.html",
            {
                "notice": notice_page(request, notice(publication)),
                "village": publication.scheme.village,
                "scheme": publication.scheme,
            },
        )
    )


def public_publication_print(request, publication_id):
    """The notice laid out for an A4 notice board, with the posting date and a place for the branch's seal."""
    publication = _publication_or_404(publication_id)
    return _public(
        render(
            request,
            "points/public/print.html",
            {"notice": notice(publication), "village": publication.scheme.village, "scheme": publication.scheme},
        )
    )


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
    if settings_form.is_bound:
        done = submit(
            request,
            settings_form,
            lambda data: services.county_settings_save(
                actor=request.user, county=county, appeal_answer_days=data["appeal_answer_days"]
            ),
            done=_("Settings saved."),
            to=f"{reverse('points:policy')}?{urlencode({'county': county.pk})}",
        )
        return done or render(
            request,
            "points/lists/policy.html",
            {
                "counties": counties,
                "county": county,
                "rows": ConsequenceType.objects.filter(county=county).annotate(
                    rules=Count("listrule", filter=Q(listrule__is_active=True))
                ),
                "form": ConsequenceForm(),
                "editing": None,
                "settings_form": settings_form,
            },
        )
    rows = ConsequenceType.objects.filter(county=county).annotate(
        rules=Count("listrule", filter=Q(listrule__is_active=True))
    )
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
        to=f"{reverse('points:policy')}?{urlencode({'county': county.pk})}",
    )
    return done or render(
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
    return {
        "rule": rule.pk,
        "kind": rule.kind,
        "method": rule.method,
        "value": rule.value,
        "consequences": list(rule.consequences.all()),
        "consequence_text": rule.consequence_text,
        "duration_quarters": rule.duration_quarters,
    }


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
        data = form.cleaned_data
        chosen = list(data["consequences"])
        try:
            services.list_rule_save(
                actor=request.user,
                scheme=scheme,
                kind=data["kind"],
                method=data["method"],
                value=data["value"],
                consequences=chosen,
                consequence_text=data["consequence_text"],
                duration_quarters=data["duration_quarters"],
                rule=editing,
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
        notes = None
        note = (data["visit_note"] or "").strip()
        if note:
            day: date = data["visited_on"] or timezone.localdate()
            line = f"{day:%Y-%m-%d} {note}"
            notes = f"{mentorship.notes}\n{line}" if mentorship.notes else line
        try:
            services.mentorship_update(
                actor=request.user, mentorship=mentorship, mentor=mentor, notes=notes, upgraded=data["upgraded"]
            )
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


# -- the grid's monthly ledger (一网格一档) -------------------------------------------------------------


def _ledger(request, scheme_id):
    scheme, grids = ledger_export.ledger_access(request.user, scheme_id)
    grid = ledger_export.pick_grid(grids, request.GET.get("grid"))
    month = ledger_export.parse_month(request.GET.get("month"))
    return grids, ledger_export.grid_month_ledger(scheme, grid, month)


def _ledger_query(ledger, month: date) -> str:
    return urlencode({"grid": ledger.grid.pk, "month": f"{month:%Y-%m}"})


@login_required
@require_action(Action.POINTS_VIEW)
def ledger(request, scheme_id):
    grids, data = _ledger(request, scheme_id)
    if request.GET.get("print"):
        return render(request, "points/lists/ledger_print.html", {"ledger": data, "printed_on": timezone.localdate()})
    return render(
        request,
        "points/lists/ledger.html",
        {
            "ledger": data,
            "scheme": data.scheme,
            "grids": grids,
            "query": _ledger_query(data, data.month),
            "previous": _ledger_query(data, ledger_export.previous_month(data.month)),
            "next": _ledger_query(data, ledger_export.next_month(data.month))
            if data.month < timezone.localdate().replace(day=1)
            else "",
        },
    )


@login_required
@require_action(Action.POINTS_VIEW)
def ledger_print(request, scheme_id):
    _grids, data = _ledger(request, scheme_id)
    return render(request, "points/lists/ledger_print.html", {"ledger": data, "printed_on": timezone.localdate()})


@login_required
@require_action(Action.POINTS_VIEW)
def ledger_xlsx(request, scheme_id):
    _grids, data = _ledger(request, scheme_id)
    filename, fallback = ledger_export.export_filename(data)
    return xlsx_response(ledger_export.build_xlsx(data), filename, fallback)
