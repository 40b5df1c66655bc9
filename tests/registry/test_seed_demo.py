import json
from io import StringIO

from django.core.management import call_command

from core.roles import Role
from registry.models import Household, Person


def test_seed_demo_is_idempotent_and_prints_accounts_as_json(db):
    call_command("seed_demo", "--households", "60", stdout=StringIO())
    counts = (Household.objects.count(), Person.objects.count())
    assert counts[0] == 60
    out = StringIO()
    call_command("seed_demo", "--households", "60", "--accounts-json", stdout=out)
    assert (Household.objects.count(), Person.objects.count()) == counts
    accounts = json.loads(out.getvalue())
    assert {a["role"] for a in accounts} >= {r for r in Role.values if r not in ("shopkeeper", "credit_partner")}
    assert all(set(a) == {"username", "password", "role", "region"} for a in accounts)
