"""Raw-SQL reads for the hot path (a domain lookup), built once from the models' own metadata.

Compiling a seven-table ORM query took longer than running it, so the statements are generated once at
import and rows become model instances through `Model.from_db` (no per-request compilation). Values
are converted the way the ORM would: JSON text → lists, SQLite's naive UTC → aware datetimes,
SQLite's 0/1 → booleans.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models

from kzreg.registry.models import Contact, Domain, DomainNameServer, Host, Registrar
from kzreg.resellers.models import Reseller

# Columns RDAP shows; the others (secrets, bulky text) are never read.
DOMAIN_FIELDS = (
    "id", "name", "unicode_name", "registrar_id", "reseller_id", "registrant_id", "admin_contact_id",
    "tech_contact_id", "billing_contact_id", "ds_records", "hold", "suspended", "pending_delete", "purge_at",
    "created_at", "updated_at", "expires_at", "deleted_at",
)  # fmt: skip
CONTACT_FIELDS = (
    "id", "handle", "kind", "name", "organisation", "address", "city", "region", "postal_code", "country_code",
    "phones", "faxes", "emails", "language", "disclose", "consent_at", "created_at", "updated_at",
)  # fmt: skip
REGISTRAR_FIELDS = ("id", "handle", "name", "email", "phone", "url", "active", "created_at")
RESELLER_FIELDS = ("id", "handle", "name", "legal_name", "email", "phone", "website", "active", "created_at")
HOST_FIELDS = ("id", "name", "unicode_name", "addresses", "created_at", "updated_at")


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field]:
    """The named fields in the model's own order, the order `Model.from_db` expects values in."""
    wanted = set(names)
    fields = [f for f in model._meta.concrete_fields if f.attname in wanted]
    if len(fields) != len(wanted):
        raise LookupError(f"{model.__name__}: no such fields {sorted(wanted - {f.attname for f in fields})}")
    return fields


def _columns(alias: str, model: type[models.Model], names: Sequence[str]) -> str:
    return ", ".join(f'{alias}."{f.column}"' for f in _fields(model, names))


def _convert(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.loads(value) if isinstance(value, str | bytes) else value
    if isinstance(field, models.DateTimeField):
        value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if isinstance(field, models.BooleanField):
        return bool(value)
    return value


def _instance(model: type[models.Model], names: Sequence[str], values: Sequence[Any]) -> Any:
    """A model instance from a row whose columns came from `_columns(…, model, names)`."""
    fields = _fields_cached(model, tuple(names))
    converted = [_convert(field, value) for field, value in zip(fields, values, strict=True)]
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


@cache
def _fields_cached(model: type[models.Model], names: tuple[str, ...]) -> list[models.Field]:
    return _fields(model, names)


@cache
def _domain_sql() -> str:
    d, r, s = Domain._meta.db_table, Registrar._meta.db_table, Reseller._meta.db_table
    return (
        f"SELECT {_columns('d', Domain, DOMAIN_FIELDS)}, {_columns('r', Registrar, REGISTRAR_FIELDS)}, "
        f"{_columns('s', Reseller, RESELLER_FIELDS)} "
        f'FROM "{d}" d JOIN "{r}" r ON r."id" = d."registrar_id" LEFT JOIN "{s}" s ON s."id" = d."reseller_id" '
        f'WHERE d."name" = %s AND d."deleted_at" IS NULL LIMIT 1'
    )


@cache
def _contacts_sql(count: int) -> str:
    marks = ", ".join(["%s"] * count)
    return (
        f'SELECT {_columns("c", Contact, CONTACT_FIELDS)} FROM "{Contact._meta.db_table}" c WHERE c."id" IN ({marks})'
    )


@cache
def _hosts_sql(count: int) -> str:
    link = DomainNameServer._meta.db_table
    marks = ", ".join(["%s"] * count)
    return (
        f'SELECT l."domain_id", {_columns("h", Host, HOST_FIELDS)} FROM "{link}" l '
        f'JOIN "{Host._meta.db_table}" h ON h."id" = l."host_id" '
        f'WHERE l."domain_id" IN ({marks}) ORDER BY l."domain_id", l."position"'
    )


def live_domain(ldh_name: str) -> Domain | None:
    """The live domain with its registrar, reseller and four contacts: two queries."""
    with connection.cursor() as cursor:
        cursor.execute(_domain_sql(), [ldh_name])
        row = cursor.fetchone()
        if row is None:
            return None
        n_d, n_r = len(DOMAIN_FIELDS), len(REGISTRAR_FIELDS)
        domain = _instance(Domain, DOMAIN_FIELDS, row[:n_d])
        domain.registrar = _instance(Registrar, REGISTRAR_FIELDS, row[n_d : n_d + n_r])
        reseller_row = row[n_d + n_r :]
        domain.reseller = _instance(Reseller, RESELLER_FIELDS, reseller_row) if reseller_row[0] else None
        ids = sorted({domain.registrant_id, domain.admin_contact_id, domain.tech_contact_id, domain.billing_contact_id})
        cursor.execute(_contacts_sql(len(ids)), ids)
        contacts = {c.id: c for c in (_instance(Contact, CONTACT_FIELDS, r) for r in cursor.fetchall())}
    domain.registrant = contacts[domain.registrant_id]
    domain.admin_contact = contacts[domain.admin_contact_id]
    domain.tech_contact = contacts[domain.tech_contact_id]
    domain.billing_contact = contacts[domain.billing_contact_id]
    return domain


def hosts_of(domain_ids: Sequence[int]) -> dict[int, list[Host]]:
    """Name servers of each domain, primary first: one query for all the domains."""
    result: dict[int, list[Host]] = {}
    if not domain_ids:
        return result
    with connection.cursor() as cursor:
        cursor.execute(_hosts_sql(len(domain_ids)), list(domain_ids))
        for row in cursor.fetchall():
            result.setdefault(row[0], []).append(_instance(Host, HOST_FIELDS, row[1:]))
    return result
