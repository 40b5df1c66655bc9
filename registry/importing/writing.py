"""Writing a checked plan: bulk inserts in one transaction, one audit event per village."""

from __future__ import annotations

from django.db import transaction

from core import audit
from registry.importing.layout import BATCH_SIZE, ImportPlan
from registry.models import Household, Person

# --- writing -----------------------------------------------------------------------------------


def _write(actor, plan: ImportPlan, filename: str) -> None:
    with transaction.atomic():
        households = []
        for planned in plan.households:
            v = planned.village
            households.append(
                Household(
                    number=planned.number,
                    grid_id=planned.grid_id,
                    group_id=planned.group_id,
                    address=planned.address,
                    head_name=planned.head_name,
                    county_id=v.county_id,
                    township_id=v.township_id,
                    village_id=v.pk,
                )
            )
        Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
        if any(h.pk is None for h in households):  # a backend that cannot return ids from a bulk insert
            ids = {}
            for village_id in {h.village_id for h in households}:
                numbers = Household.objects.filter(village_id=village_id).values_list("number", "id")
                ids.update({(village_id, n): pk for n, pk in numbers})
            for h in households:
                h.pk = h.id = ids[(h.village_id, h.number)]

        people: list[Person] = []
        tag_ids: list[list[int]] = []
        for planned, household in zip(plan.households, households, strict=True):
            for p in planned.people:
                person = Person(
                    household_id=household.pk,
                    name=p.name,
                    gender=p.gender,
                    birth_date=p.birth_date,
                    relation=p.relation,
                    county_id=household.county_id,
                    township_id=household.township_id,
                    village_id=household.village_id,
                )
                person.set_id_number(p.id_number)
                person.set_phone(p.phone)
                people.append(person)
                tag_ids.append(p.tag_ids)
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        if any(p.pk is None for p in people):
            created = Person.objects.filter(household_id__in=[h.pk for h in households]).order_by("id")
            for person, pk in zip(people, created.values_list("id", flat=True), strict=True):
                person.pk = person.id = pk

        through = Person.tags.through
        links = [through(person_id=p.pk, tag_id=t) for p, tags in zip(people, tag_ids, strict=True) for t in tags]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

        per_village: dict[int, list] = {}
        for planned in plan.households:
            entry = per_village.setdefault(planned.village.pk, [planned.village, 0, 0])
            entry[1] += 1
            entry[2] += len(planned.people)
        for village, n_households, n_people in per_village.values():
            audit.record(
                actor,
                "registry.household.import",
                region=village,
                after={"households": n_households, "people": n_people, "file": filename[:200]},
            )
