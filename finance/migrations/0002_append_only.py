from django.db import migrations

from core.db import append_only


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [append_only("finance_ledgerentry"), append_only("finance_voucher")]
