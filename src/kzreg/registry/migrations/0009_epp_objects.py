"""What EPP needs of the registry (issue 10): domain authorization codes, client statuses, RFC 3915
redemption, registrar transfers of domains and contacts, the poll queue.

Data: every existing domain gets a random authorization code (as a new one would), so that its sponsor can
read it and another registrar can transfer it with it.
"""

import secrets

import django.db.models.deletion
from django.db import migrations, models


def _auth_codes(apps, schema_editor):
    Domain = apps.get_model("registry", "Domain")
    for domain in Domain.objects.filter(auth_code="").only("id").iterator():
        Domain.objects.filter(pk=domain.pk).update(auth_code=secrets.token_urlsafe(12))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_domain_reseller_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="client_statuses",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="domain",
            name="auth_code",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(_auth_codes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="domain",
            name="client_hold",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="domain",
            name="client_statuses",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="domain",
            name="restore_requested_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="domain",
            name="rgp_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("redemptionPeriod", "redemption period"),
                    ("pendingRestore", "pending restore"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="host",
            name="client_statuses",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="zone",
            name="redemption_days",
            field=models.PositiveSmallIntegerField(
                default=30,
                help_text="Days a domain its registrar deleted can be restored before it is purged (RFC 3915)",
            ),
        ),
        migrations.AlterField(
            model_name="domainstatus",
            name="flag",
            field=models.CharField(
                choices=[
                    ("hold", "on hold (visible in WHOIS, not delegated)"),
                    ("suspended", "suspended (delegation removed)"),
                    ("pending_delete", "pending delete"),
                    ("client_hold", "held by the sponsoring registrar (EPP clientHold: not delegated)"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="ContactTransfer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "pending"),
                            ("clientApproved", "approved by the losing registrar"),
                            ("clientRejected", "rejected by the losing registrar"),
                            ("clientCancelled", "cancelled by the gaining registrar"),
                            ("serverApproved", "approved by the registry"),
                            ("serverCancelled", "cancelled by the registry"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("requested_at", models.DateTimeField()),
                ("requested_by", models.CharField(max_length=255)),
                ("act_by", models.DateTimeField(help_text="When the worker approves it unless decided before")),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decided_by", models.CharField(blank=True, max_length=255)),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="transfers", to="registry.contact"
                    ),
                ),
                (
                    "gaining",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.registrar"
                    ),
                ),
                (
                    "losing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.registrar"
                    ),
                ),
            ],
            options={
                "ordering": ["contact", "requested_at"],
                "indexes": [models.Index(fields=["status", "act_by"], name="contact_transfer_due_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("contact",),
                        name="one_pending_transfer_per_contact",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DomainTransfer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "pending"),
                            ("clientApproved", "approved by the losing registrar"),
                            ("clientRejected", "rejected by the losing registrar"),
                            ("clientCancelled", "cancelled by the gaining registrar"),
                            ("serverApproved", "approved by the registry"),
                            ("serverCancelled", "cancelled by the registry"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("requested_at", models.DateTimeField()),
                ("requested_by", models.CharField(max_length=255)),
                ("act_by", models.DateTimeField(help_text="When the worker approves it unless decided before")),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decided_by", models.CharField(blank=True, max_length=255)),
                ("period", models.PositiveSmallIntegerField(default=1, help_text="Years added when it completes")),
                (
                    "domain",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="transfers", to="registry.domain"
                    ),
                ),
                (
                    "gaining",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.registrar"
                    ),
                ),
                (
                    "losing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.registrar"
                    ),
                ),
            ],
            options={
                "ordering": ["domain", "requested_at"],
                "indexes": [models.Index(fields=["status", "act_by"], name="domain_transfer_due_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("domain",),
                        name="one_pending_transfer_per_domain",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PollMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField()),
                (
                    "kind",
                    models.CharField(help_text="transfer_requested, domain_expired, low_balance, ...", max_length=40),
                ),
                ("text", models.TextField(help_text="English (EPP <msg>)")),
                ("texts", models.JSONField(default=dict, help_text="The text in kk, ru and en")),
                ("object_type", models.CharField(blank=True, max_length=10)),
                ("object_key", models.CharField(blank=True, max_length=255)),
                (
                    "data",
                    models.JSONField(blank=True, default=dict, help_text="What the EPP side renders (trStatus, dates)"),
                ),
                ("acked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "registrar",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="poll_messages",
                        to="registry.registrar",
                    ),
                ),
            ],
            options={
                "ordering": ["registrar", "id"],
                "indexes": [models.Index(fields=["registrar", "acked_at", "id"], name="poll_queue_idx")],
            },
        ),
    ]
