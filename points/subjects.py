"""Who a points entry is about: a household, a person, an organization or a party branch."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import DomainError
from points.models import SubjectKind
from points.models.ledger import SubjectRow
from registry.models import Household, Organization, PartyBranch, Person


@dataclass(frozen=True)
class Subject:
    kind: str
    key: str
    label: str
    obj: object
    household: Household | None
    grid_id: int | None
    village_id: int
    township_id: int
    county_id: int

    def row_fields(self) -> dict:
        """The subject columns of a Claim, LedgerEntry or Redemption."""
        return {
            "subject_kind": self.kind,
            "subject_key": self.key,
            "subject_label": self.label[:100],
            "household": self.household,
            "person": self.obj if self.kind == SubjectKind.PERSON else None,
            "organization": self.obj if self.kind == SubjectKind.ORGANIZATION else None,
            "party_branch": self.obj if self.kind == SubjectKind.PARTY_BRANCH else None,
            "grid_id": self.grid_id,
            "village_id": self.village_id,
            "township_id": self.township_id,
            "county_id": self.county_id,
        }

    @property
    def scope_row(self):
        """An object carrying the scope ids, for core.scope.in_scope."""
        from types import SimpleNamespace

        return SimpleNamespace(
            SCOPE_PATHS=SubjectRow.SCOPE_PATHS,
            county_id=self.county_id,
            township_id=self.township_id,
            village_id=self.village_id,
            grid_id=self.grid_id,
            household_id=self.household.pk if self.household else None,
        )


def subject_of(obj) -> Subject:
    if isinstance(obj, Household):
        kind, key, label, household = SubjectKind.HOUSEHOLD, "h", f"{obj.head_name or obj.number}户", obj
    elif isinstance(obj, Person):
        kind, key, label, household = SubjectKind.PERSON, "p", obj.name, obj.household
    elif isinstance(obj, Organization):
        kind, key, label, household = SubjectKind.ORGANIZATION, "o", obj.name, None
    elif isinstance(obj, PartyBranch):
        kind, key, label, household = SubjectKind.PARTY_BRANCH, "b", obj.name, None
    else:
        raise DomainError(_("Unknown kind of subject."))
    # The household's grid; an organization's own (a party branch has none).
    grid_id = household.grid_id if household is not None else getattr(obj, "grid_id", None)
    return Subject(
        kind, f"{key}:{obj.pk}", label, obj, household, grid_id, obj.village_id, obj.township_id, obj.county_id
    )


def load_subject(kind: str, pk) -> Subject:
    """The subject of a scheme by kind and id; DomainError if it does not exist."""
    model = {
        SubjectKind.HOUSEHOLD: Household,
        SubjectKind.PERSON: Person,
        SubjectKind.ORGANIZATION: Organization,
        SubjectKind.PARTY_BRANCH: PartyBranch,
    }[kind]
    qs = model.objects.all()
    if model is Household:
        qs = qs.only(*HOUSEHOLD_SUBJECT_FIELDS)
    elif model is Person:
        qs = qs.select_related("household")
    try:
        return subject_of(qs.get(pk=pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise DomainError({"subject": _("Choose who the entry is about.")}) from None


# What subject_of reads of a household (standings build one Subject per household of the village).
HOUSEHOLD_SUBJECT_FIELDS = ("id", "head_name", "number", "grid_id", "village_id", "township_id", "county_id")


def subjects_of_scheme(scheme):
    """Every current subject a scheme covers in its village (for standings: subjects with no entry count too)."""
    if scheme.subject_kind == SubjectKind.HOUSEHOLD:
        households = Household.objects.filter(village_id=scheme.village_id).only(*HOUSEHOLD_SUBJECT_FIELDS)
        return [subject_of(h) for h in households]
    if scheme.subject_kind == SubjectKind.PERSON:
        qs = Person.objects.filter(village_id=scheme.village_id, is_deceased=False).select_related("household")
        if scheme.kind in ("party_member",):
            qs = qs.filter(party_membership__isnull=False)
        return [subject_of(p) for p in qs]
    if scheme.subject_kind == SubjectKind.ORGANIZATION:
        return [subject_of(o) for o in Organization.objects.filter(village_id=scheme.village_id)]
    return [subject_of(b) for b in PartyBranch.objects.filter(village_id=scheme.village_id)]
