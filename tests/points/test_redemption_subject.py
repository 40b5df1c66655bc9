"""Redemption carries the same subject columns as Claim and LedgerEntry (SubjectRow), written from the subject,
and migration points 0006 fills them for rows written before."""

import importlib

from django.apps import apps

from core import scope
from core.roles import Action
from points.models import EntryKind, LedgerEntry, Redemption
from tests.points.test_shop import funded, keepers, member_shop, redeem, soap  # noqa: F401 - fixtures

migration = importlib.import_module("points.migrations.0006_redemption_subject_row")


def test_a_redemption_has_the_subject_columns_of_its_ledger_entry(world, scheme, soap, funded):  # noqa: F811
    r = redeem(world, soap, funded)
    entry = LedgerEntry.objects.get(kind=EntryKind.REDEMPTION, redemption=r)
    columns = ("subject_kind", "subject_key", "subject_label", "household_id", "person_id", "organization_id")
    columns += ("party_branch_id", "grid_id", "village_id", "township_id", "county_id", "scheme_id")
    assert {c: getattr(r, c) for c in columns} == {c: getattr(entry, c) for c in columns}
    assert r.subject_kind == "household" and r.grid_id == world.grid_a1.pk


def test_a_grid_grant_still_does_not_reach_redemptions(world, scheme, soap, funded):  # noqa: F811
    """Redemption keeps its own scope paths (no grid): the shared columns do not widen who sees the rows."""
    r = redeem(world, soap, funded)
    assert "grid" not in Redemption.SCOPE_PATHS
    assert not scope.in_scope(world.users["grid_a1"], Action.POINTS_VIEW, r)
    assert scope.in_scope(world.users["cadre_a1"], Action.POINTS_VIEW, r)


def test_the_migration_fills_rows_written_before(world, scheme, soap, funded):  # noqa: F811
    r = redeem(world, soap, funded)
    # as migration 0006 found them: only the columns the model had before, the new ones at their defaults
    Redemption.objects.filter(pk=r.pk).update(subject_kind="household", grid=None)
    migration.fill_subject_columns(apps, None)
    r.refresh_from_db()
    assert r.subject_kind == "household" and r.grid_id == world.grid_a1.pk

    # a row without a ledger entry (none is expected): kind and id from the key, grid from the household
    person = world.people["a1_head"]
    orphan = Redemption.objects.create(
        good=r.good,
        shop=r.shop,
        scheme=scheme,
        subject_kind="household",  # the column's default when it was added
        subject_key=f"p:{person.pk}",
        subject_label=person.name,
        household=person.household,
        quantity=1,
        points=r.points,
        created_by=r.created_by,
        village_id=r.village_id,
        township_id=r.township_id,
        county_id=r.county_id,
    )
    migration.fill_subject_columns(apps, None)
    orphan.refresh_from_db()
    assert (orphan.subject_kind, orphan.person_id, orphan.grid_id) == ("person", person.pk, person.household.grid_id)
    r.refresh_from_db()
    assert r.subject_kind == "household" and r.person_id is None and r.grid_id == world.grid_a1.pk
