"""The bench data of the messages: one villager account with a number per household, made once."""

from io import StringIO

from django.core.management import call_command

from accounts.models import User
from core.roles import Role
from messaging.models import SmsPreference
from tests.factories import make_user


def test_each_household_gets_one_villager_account_with_a_number(world):
    make_user("bench_county", Role.COUNTY_ADMIN, world.county)
    out = StringIO()
    call_command("generate_villager_accounts", county=world.county.code, sms=True, stdout=out)
    made = User.objects.filter(username__startswith="gv")
    assert made.count() == len(world.households) and "4 villager accounts made" in out.getvalue()
    assert all(u.phone_masked and len(u.phone) == 11 for u in made)
    assert {a.household_id for u in made for a in u.assignments.all()} == {h.pk for h in world.households.values()}
    assert SmsPreference.objects.filter(user__in=made, kind="transparency.notice_published", sms=True).count() == 4
    call_command("generate_villager_accounts", county=world.county.code, stdout=StringIO())
    assert User.objects.filter(username__startswith="gv").count() == 4
