"""Villager accounts with mobile numbers for a county made by ``generate_county`` (bench data for the messages):
``generate_villager_accounts --county 510499 --seed 1`` gives each household one villager account (``gv<household
id>``, no usable password) with a generated number, and, with ``--sms``, the choice of SMS for ``--kind``."""

from __future__ import annotations

import random

from django.core.management.base import BaseCommand, CommandError

from registry.generation import CountyCommand, GenerationError, bulk_accounts


class Command(CountyCommand, BaseCommand):
    help = "Give each household of a generated county a villager account with a mobile number (bench data)."

    def more_arguments(self, parser):
        parser.add_argument("--sms", action="store_true", help="Each account chooses SMS for --kind.")
        parser.add_argument("--kind", default="transparency.notice_published", help="The message kind for --sms.")

    def generate(self, region, actor, *, seed, sms, kind, **options):
        from accounts.models import User
        from core import crypto
        from core.masking import mask_phone
        from core.plugins import message_kind
        from core.roles import Role
        from messaging.models import SmsPreference
        from registry.models import Household

        if sms and message_kind(kind) is None:
            raise CommandError(f"Unknown message kind {kind}.")
        households = list(Household.objects.filter(county=region).values_list("pk", "village_id", "head_name"))
        if not households:
            raise GenerationError("The county has no households: run generate_county first.")
        wanted = [
            (f"gv{pk}", head or "村民", Role.VILLAGER, village_id, None, pk) for pk, village_id, head in households
        ]
        users, fresh = bulk_accounts(wanted)
        rng = random.Random(seed)
        prefixes = ("139", "138", "137", "136", "135", "158", "159", "186", "187", "188", "199")
        numbers = set()
        rows = []
        for name in sorted(fresh):
            phone = rng.choice(prefixes) + f"{rng.randrange(10**8):08d}"
            while phone in numbers:
                phone = rng.choice(prefixes) + f"{rng.randrange(10**8):08d}"
            numbers.add(phone)
            user = users[name]
            user.phone_cipher, user.phone_digest, user.phone_masked = (
                crypto.encrypt(phone),
                crypto.digest(phone),
                mask_phone(phone),
            )
            rows.append(user)
        User.objects.bulk_update(rows, ["phone_cipher", "phone_digest", "phone_masked"], batch_size=2000)
        chosen = 0
        if sms:
            accounts = [u.pk for u in users.values()]
            SmsPreference.objects.bulk_create(
                [SmsPreference(user_id=pk, kind=kind, sms=True) for pk in accounts],
                batch_size=2000,
                ignore_conflicts=True,
            )
            chosen = len(accounts)
        return f"{len(fresh)} villager accounts made ({len(users) - len(fresh)} there already), {chosen} choosing SMS"
