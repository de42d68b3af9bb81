"""Bank statements, their lines and the payer map belong to a book: the registry's (every row before this
migration) or a registrar's own, which imports its resellers' payments. The uniqueness that made an
import idempotent — the file's SHA-256, each document's key, a payer's BIN — becomes per book."""

import django.db.models.deletion
from django.db import migrations, models

REGISTRY_BOOK_NAME = "KazNIC (registry)"  # billing.books.REGISTRY_BOOK_NAME when this was written


def to_registry_book(apps, schema_editor):
    models_ = [apps.get_model("billing", name) for name in ("BankStatement", "BankLine", "Payer")]
    if not any(m.objects.exists() for m in models_):
        return
    Book = apps.get_model("billing", "Book")
    book = Book.objects.filter(owner_kind="registry", owner_key="").first()
    if book is None:
        from django.utils import timezone

        book = Book.objects.create(
            owner_kind="registry", owner_key="", name=REGISTRY_BOOK_NAME, created_at=timezone.now()
        )
    for model in models_:
        model.objects.update(book=book)


def book_field(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="billing.book"
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0009_rate_changes")]

    operations = [
        migrations.AddField(model_name="bankstatement", name="book", field=book_field(True)),
        migrations.AddField(model_name="bankline", name="book", field=book_field(True)),
        migrations.AddField(model_name="payer", name="book", field=book_field(True)),
        migrations.RunPython(to_registry_book, migrations.RunPython.noop),
        migrations.AlterField(model_name="bankstatement", name="book", field=book_field(False)),
        migrations.AlterField(model_name="bankline", name="book", field=book_field(False)),
        migrations.AlterField(model_name="payer", name="book", field=book_field(False)),
        migrations.AlterField(model_name="bankstatement", name="sha256", field=models.CharField(max_length=64)),
        migrations.AlterField(
            model_name="bankline", name="document_key", field=models.CharField(blank=True, max_length=200, null=True)
        ),
        migrations.AlterField(model_name="payer", name="bin", field=models.CharField(max_length=12)),
        migrations.AddConstraint(
            model_name="bankstatement",
            constraint=models.UniqueConstraint(fields=("book", "sha256"), name="billing_statement_book_file"),
        ),
        migrations.AddConstraint(
            model_name="bankline",
            constraint=models.UniqueConstraint(fields=("book", "document_key"), name="billing_bankline_book_doc"),
        ),
        migrations.AddConstraint(
            model_name="payer",
            constraint=models.UniqueConstraint(fields=("book", "bin"), name="billing_payer_book_bin"),
        ),
        migrations.AddIndex(
            model_name="bankline",
            index=models.Index(fields=["book", "status", "id"], name="billing_bankline_book_status"),
        ),
    ]
