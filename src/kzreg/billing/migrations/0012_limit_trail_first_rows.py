"""Every account with a credit limit or threshold gets its trail's first row (issue 11), so `kzreg billing
check` can prove each value is the last its trail records: opening writes that row from now on
(`limits.record_opening`); this writes it for the accounts opened before.

Only where it is true: an account with no row of a field gets one — old none, new the value it has now,
dated now and saying so — because no change of it has been recorded since the trail began (migration
0011), so the value now is the one in force then (a change before 0011 was never recorded; the row does
not claim it is the opening value). An account that already has rows of a field gets none: its first
row's old value is the value before it, and a row written now would come after its changes in the trail's
order (by id) and read as its latest. A field that is NULL (no floor, no threshold) needs no row: an
empty trail says none. Nothing to undo: the rows are append-only, and a trail is true either way."""

from django.db import migrations
from django.utils import timezone

COLUMNS = {"credit_limit": "credit_limit_minor", "low_balance": "low_balance_minor"}
REASON = "the value when the trail began (migration billing 0012): changes before it were not recorded"


def first_rows(apps, schema_editor):
    Account = apps.get_model("billing", "Account")
    LimitChange = apps.get_model("billing", "LimitChange")
    now = timezone.now()
    rows = []
    for field, column in COLUMNS.items():
        traced = LimitChange.objects.filter(field=field).values("account_id")
        accounts = Account.objects.filter(**{f"{column}__isnull": False}).exclude(pk__in=traced).order_by("id")
        for account in accounts.iterator():
            rows.append(LimitChange(account_id=account.pk, field=field, old_minor=None,
                                    new_minor=getattr(account, column), currency=account.currency,
                                    changed_by="migration billing 0012", changed_at=now, reason=REASON))  # fmt: skip
    LimitChange.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0011_limit_changes"),
    ]

    operations = [migrations.RunPython(first_rows, migrations.RunPython.noop, elidable=False)]
