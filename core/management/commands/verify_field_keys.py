"""Check that the field keys in the environment open the identifiers stored in the database (after a restore, a move
to another server, or whenever in doubt): docs/deploy.md, 恢复.

    python manage.py verify_field_keys [--sample 500]

For every model with an encrypted column (``<name>_cipher``, core.crypto) it takes up to ``--sample`` stored values
(the oldest and the newest), decrypts each with FIELD_ENCRYPTION_KEY and, where the model keeps its digest
(``<name>_digest``), recomputes it with FIELD_HASH_KEY. It fails, saying which key is wrong, if any value does not
open or any digest differs; it writes nothing.
"""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import crypto

CIPHER = "_cipher"


def encrypted_columns():
    """(model, cipher column, digest column or None) for every encrypted column of every installed model."""
    for model in apps.get_models():
        names = {f.attname for f in model._meta.concrete_fields}
        for name in sorted(names):
            if name.endswith(CIPHER):
                digest = name[: -len(CIPHER)] + "_digest"
                yield model, name, digest if digest in names else None


class Command(BaseCommand):
    help = "Check that FIELD_ENCRYPTION_KEY and FIELD_HASH_KEY open the ID numbers and phones stored in the database."

    def add_arguments(self, parser):
        parser.add_argument("--sample", type=int, default=500, help="values checked per column (oldest and newest)")

    def handle(self, *args, sample=500, **options):
        if sample < 2:
            raise CommandError(_("Check at least 2 values per column."))
        checked = undecryptable = mismatched = 0
        for model, column, digest_column in encrypted_columns():
            stored = model._default_manager.exclude(**{column: ""})
            fields = [column] + ([digest_column] if digest_column else [])
            half = sample // 2
            rows = {
                row[0]: row
                for order in ("pk", "-pk")
                for row in stored.order_by(order).values_list("pk", *fields)[:half]
            }
            bad_key = bad_digest = 0
            for _pk, cipher, *digest in rows.values():
                try:
                    value = crypto.decrypt(cipher)
                except ImproperlyConfigured:
                    bad_key += 1
                    continue
                if digest and digest[0] and crypto.digest(value) != digest[0]:
                    bad_digest += 1
            if rows:
                self.stdout.write(
                    _(
                        "%(model)s.%(column)s: %(checked)s checked, %(bad_key)s do not open, "
                        "%(bad_digest)s digests differ."
                    )
                    % {
                        "model": model._meta.label,
                        "column": column[: -len(CIPHER)],
                        "checked": len(rows),
                        "bad_key": bad_key,
                        "bad_digest": bad_digest,
                    }
                )
            checked += len(rows)
            undecryptable += bad_key
            mismatched += bad_digest
        if undecryptable:
            raise CommandError(
                _(
                    "FIELD_ENCRYPTION_KEY does not open %(n)s stored values: it is not the key they were encrypted "
                    "with. Put back this installation's environment file (docs/deploy.md)."
                )
                % {"n": undecryptable}
            )
        if mismatched:
            raise CommandError(
                _(
                    "FIELD_HASH_KEY gives other digests for %(n)s stored values: searching by ID number or phone would "
                    "not find them. Put back this installation's environment file (docs/deploy.md)."
                )
                % {"n": mismatched}
            )
        if not checked:
            self.stdout.write(_("No ID numbers or phones are stored yet: nothing to check."))
        else:
            self.stdout.write(_("The field keys open every value checked (%(n)s).") % {"n": checked})
