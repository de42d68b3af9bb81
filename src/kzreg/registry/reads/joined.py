"""Raw-SQL reads for the hot path (a domain lookup), built once from the models' own metadata.

Compiling the ORM query and building model instances cost more than running the query, so a domain
answer is ONE precompiled statement: the live domain joined to its registrar and four contacts, with its name servers folded into a JSON array by a subquery (and whether a transfer is pending, `registry.status`) (`json_group_array` on SQLite,
`json_agg` on PostgreSQL). Rows become the typed views of `views` (`DomainView` with its registrar,
contacts; `HostView`), which the pure builders in `kzreg.rdap.objects` read as they read models. Values are converted the way the ORM would: JSON text →
lists, SQLite's naive UTC → aware datetimes, SQLite's 0/1 → booleans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import orjson
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

from kzreg.registry.models import Contact, Domain, DomainNameServer, Host, Registrar
from kzreg.registry.reads.views import ContactView, DomainView, HostView, RegistrarView
from kzreg.registry.status import PENDING_TRANSFER_SQL

# Columns RDAP shows; the others (secrets, bulky text) are never read.
DOMAIN_FIELDS = (
    "id", "name", "unicode_name", "registrar_id", "reseller_name", "registrant_id", "admin_contact_id",
    "tech_contact_id", "billing_contact_id", "ds_records", "hold", "suspended", "pending_delete", "client_hold",
    "purge_at", "created_at", "updated_at", "expires_at", "deleted_at",
)  # fmt: skip
CONTACT_FIELDS = (
    "id", "handle", "kind", "name", "organisation", "address", "city", "region", "postal_code", "country_code",
    "phones", "faxes", "emails", "language", "disclose", "consent_at", "created_at", "updated_at",
)  # fmt: skip
REGISTRAR_FIELDS = ("id", "handle", "name", "email", "phone", "url", "status", "created_at")
HOST_FIELDS = ("id", "name", "unicode_name", "addresses", "created_at", "updated_at")
NS_FIELDS = ("id", "name", "unicode_name", "addresses")  # what a domain answer shows of its name servers
ROLES = ("registrant", "admin_contact", "tech_contact", "billing_contact")


def _reading() -> BaseDatabaseWrapper:
    """This thread's connection to the database the routers choose for reading registry rows."""
    return connections[router.db_for_read(Domain)]


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _datetime(value: Any) -> dt.datetime:
    value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, models.BooleanField):
        return bool
    return None


@cache
def _layout(model: type[models.Model], names: tuple[str, ...]) -> tuple[tuple[str, Any, Any], ...]:
    """(attribute, column, converter) of the named fields, in the model's own order."""
    wanted = set(names)
    fields = [f for f in model._meta.concrete_fields if f.attname in wanted]
    if len(fields) != len(wanted):
        raise LookupError(f"{model.__name__}: no such fields {sorted(wanted - {f.attname for f in fields})}")
    return tuple((f.attname, f.column, _converter(f)) for f in fields)


def column_of(model: type[models.Model], name: str) -> str:
    """The column of a model's concrete field."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column, f"{model.__name__}.{name} has no column"
    return field.column


def _columns(alias: str, model: type[models.Model], names: tuple[str, ...]) -> str:
    return ", ".join(f'{alias}."{column}"' for _, column, _ in _layout(model, names))


def _fields(model: type[models.Model], names: tuple[str, ...], values: Sequence[Any]) -> dict[str, Any]:
    """A row slice whose columns came from `_columns(…, model, names)`, as converted attribute values."""
    out = {}
    for (attribute, _, convert), value in zip(_layout(model, names), values, strict=True):
        out[attribute] = value if convert is None or value is None else convert(value)
    return out


def _nameservers_sql(vendor: str) -> str:
    """A subquery: the domain's name servers, primary first, as one JSON array of [id, name, …] arrays."""
    link, host = DomainNameServer._meta.db_table, Host._meta.db_table
    if vendor == "postgresql":
        return (
            f'(SELECT json_agg(json_build_array(h."id", h."name", h."unicode_name", h."addresses") '
            f'ORDER BY l."position") FROM "{link}" l JOIN "{host}" h ON h."id" = l."host_id" '
            f'WHERE l."domain_id" = d."id")'
        )
    return (
        f'(SELECT json_group_array(json_array(n."id", n."name", n."unicode_name", json(n."addresses"))) '
        f'FROM (SELECT h."id", h."name", h."unicode_name", h."addresses" FROM "{link}" l '
        f'JOIN "{host}" h ON h."id" = l."host_id" WHERE l."domain_id" = d."id" ORDER BY l."position") n)'
    )


@cache
def _domain_sql(vendor: str) -> str:
    d, r, c = Domain._meta.db_table, Registrar._meta.db_table, Contact._meta.db_table
    contacts = ", ".join(_columns(f"c{i}", Contact, CONTACT_FIELDS) for i in range(4))
    joins = " ".join(f'JOIN "{c}" c{i} ON c{i}."id" = d."{column_of(Domain, role)}"' for i, role in enumerate(ROLES))
    return (
        f"SELECT {_columns('d', Domain, DOMAIN_FIELDS)}, {_columns('r', Registrar, REGISTRAR_FIELDS)}, "
        f"{contacts}, {_nameservers_sql(vendor)}, {PENDING_TRANSFER_SQL.format(d='d')} "
        f'FROM "{d}" d JOIN "{r}" r ON r."id" = d."registrar_id" '
        f'{joins} WHERE d."deleted_at" IS NULL AND d."name" '
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


def live_domain_with_hosts(ldh_name: str) -> tuple[DomainView, list[HostView]] | None:
    """The live domain with its registrar, four contacts and name servers: one statement."""
    connection = _reading()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A server-side prepared statement: planning this 8-table join cost more than running it.
            # Django turns psycopg's automatic preparing off (for poolers); this one statement opts in.
            with connection.wrap_database_errors:
                cursor.cursor.execute(_domain_sql("postgresql") + "= %s LIMIT 1", [ldh_name], prepare=True)
        else:
            cursor.execute(_domain_sql(connection.vendor) + "= %s LIMIT 1", [ldh_name])
        row = cursor.fetchone()
    return _domain_views(row) if row is not None else None


def live_domains_with_hosts(ldh_names: Sequence[str]) -> dict[str, tuple[DomainView, list[HostView]]]:
    """The same for many names in one statement (the answer store's build), by name; missing = not live."""
    if not ldh_names:
        return {}
    connection = _reading()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_domain_sql("postgresql") + "= ANY(%s)", [list(ldh_names)])
        else:
            cursor.execute(_domain_sql(connection.vendor) + f"IN ({', '.join(['%s'] * len(ldh_names))})", ldh_names)
        found = [_domain_views(row) for row in cursor.fetchall()]
    return {domain.name: (domain, hosts) for domain, hosts in found}


def _domain_views(row: Sequence[Any]) -> tuple[DomainView, list[HostView]]:
    start = 0

    def take(names: tuple[str, ...]) -> Sequence[Any]:
        nonlocal start
        start += len(names)
        return row[start - len(names) : start]

    domain = _fields(Domain, DOMAIN_FIELDS, take(DOMAIN_FIELDS))
    domain["registrar"] = RegistrarView(**_fields(Registrar, REGISTRAR_FIELDS, take(REGISTRAR_FIELDS)))
    for role in ROLES:
        domain[role] = ContactView(**_fields(Contact, CONTACT_FIELDS, take(CONTACT_FIELDS)))
    hosts = [HostView(*values) for values in _json(row[start]) or []]
    domain["pending_transfer"] = bool(row[start + 1])
    return DomainView(**domain), hosts


def live_domain(ldh_name: str) -> DomainView | None:
    """The live domain with its registrar and four contacts."""
    found = live_domain_with_hosts(ldh_name)
    return found[0] if found is not None else None


def hosts_of(domain_ids: Sequence[int]) -> dict[int, list[HostView]]:
    """Name servers of each domain, primary first: one query for all the domains (search results)."""
    result: dict[int, list[HostView]] = {}
    if not domain_ids:
        return result
    with _reading().cursor() as cursor:
        cursor.execute(_hosts_sql(len(domain_ids)), list(domain_ids))
        for row in cursor.fetchall():
            result.setdefault(row[0], []).append(HostView(**_fields(Host, HOST_FIELDS, row[1:])))
    return result
