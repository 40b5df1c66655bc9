"""Search by 手机尾号 and the tail of an ID number (issue 17 #18): keyed digests of the last 4 digits of the phone
and of the last 4 and 6 characters of the ID number beside the ciphertexts (core.crypto.tail_digest), filled for
the residents already registered (decrypted with the field keys in this process, never written in the clear),
then indexed. On PostgreSQL a trigram index serves a search by part of an address (households, like 0003)."""

from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def fill_tail_digests(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    people = Person.objects.exclude(id_number_cipher="", phone_cipher="").order_by("pk")
    if not people.exists():
        return  # a new database: no key needed
    from core import crypto

    last = 0
    while True:
        batch = list(people.filter(pk__gt=last).only("pk", "id_number_cipher", "phone_cipher")[:BATCH])
        if not batch:
            break
        for p in batch:
            id_number = crypto.decrypt(p.id_number_cipher)
            phone = crypto.decrypt(p.phone_cipher)
            p.id_tail4_digest = crypto.tail_digest("id4", id_number)
            p.id_tail6_digest = crypto.tail_digest("id6", id_number)
            p.phone_tail_digest = crypto.tail_digest("phone4", phone)
        Person.objects.bulk_update(batch, ["id_tail4_digest", "id_tail6_digest", "phone_tail_digest"])
        last = batch[-1].pk


def address_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS registry_household_address_trgm ON registry_household "
        "USING gin (upper(address) gin_trgm_ops)"
    )


def drop_address_trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_household_address_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('registry', '0003_person_name_trgm'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='id_tail4_digest',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='person',
            name='id_tail6_digest',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='person',
            name='phone_tail_digest',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(fill_tail_digests, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['phone_tail_digest'], name='person_phone_tail'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['id_tail4_digest'], name='person_id_tail4'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['id_tail6_digest'], name='person_id_tail6'),
        ),
        migrations.RunPython(address_trigram, drop_address_trigram),
    ]
