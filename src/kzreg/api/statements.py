"""The API's own statements on every call (the token with its caller, the rate window, the idempotency
claim and answer) as plain SQL built once per backend from the models' metadata, instead of a queryset
compiled anew on each call (the token's five-table `select_related` alone cost ~1.6 ms of CPU a call).

On PostgreSQL they run through psycopg's own cursor on Django's connection, in its current transaction:
server-side binding, so psycopg prepares a statement it sees again (`prepare_threshold` in the settings)
and PostgreSQL stops parsing and planning it. SQLite takes them through Django's cursor. Rows come back
through the converters the ORM would apply and become model instances with their related objects
cached, as `select_related` leaves them (tests/api/test_statements.py compares them with the ORM's).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.fields.related import ForeignObjectRel, RelatedField

from kzreg.core import plain_sql


def _connection(model: type[Model]) -> BaseDatabaseWrapper:
    return plain_sql.write_connection(model)


def run(model: type[Model], sql: str, params: Sequence[Any], rows: bool = True) -> list[tuple[Any, ...]]:
    """Runs one statement where `model`'s writes go, on the API's kept cursor (`core.plain_sql.run`)."""
    return plain_sql.run(model, sql, params, rows=rows, keep="api")


# A CTE that makes the statement's own transaction commit without waiting for its WAL flush (ADR 0011):
# for the API's bookkeeping rows only, each a statement that commits on its own (`commits_alone`).
NO_WAIT = "no_wait AS (SELECT set_config('synchronous_commit', 'off', true))"


def commits_alone(model: type[Model]) -> bool:
    """True when a statement on `model`'s connection is its own transaction on PostgreSQL (autocommit,
    no `atomic` around it): only then may it commit without waiting (`NO_WAIT`); inside a caller's
    transaction the setting would reach that transaction's commit too."""
    connection = _connection(model)
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def where(model: type[Model]) -> tuple[str, bool]:
    """`vendor(model)` and `commits_alone(model)` from one look-up of the connection (each is a router
    and connection-handler look-up; a call's statements ask for both)."""
    connection = _connection(model)
    postgresql = connection.vendor == "postgresql"
    return str(connection.vendor), postgresql and not connection.in_atomic_block


def quote(model: type[Model], name: str) -> str:
    return str(_connection(model).ops.quote_name(name))


def table(model: type[Model]) -> str:
    return quote(model, model._meta.db_table)


def prep(model: type[Model], attname: str, value: Any) -> Any:
    return plain_sql.prep(model, attname, value)


@dataclass(frozen=True)
class _Part:
    """One model of a joined read: its alias, the part it hangs from, and the relation between them
    (a foreign key or one-to-one on the parent, or the reverse side of a one-to-one)."""

    model: type[Model]
    alias: str
    parent: int | None
    relation: Any
    fields: tuple[Field, ...]

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(f.attname for f in self.fields)

    @functools.cached_property
    def pk_at(self) -> int:
        return [f.primary_key for f in self.fields].index(True)

    def make(self, alias: str, values: list[Any]) -> Any:
        """`model.from_db(alias, names, values)` for a row of every concrete column, without
        `Model.__init__`'s work per column (`core.plain_sql.make_instance`)."""
        return plain_sql.make_instance(self.model, alias, self.names, values)


@dataclass(frozen=True)
class Joined:
    """`SELECT` of a model with its related objects along `paths` (as `select_related(*paths)`), the
    WHERE clause left to the caller; `load` turns a row into the instance with those objects cached."""

    model: type[Model]
    parts: tuple[_Part, ...]
    select: str
    converters: tuple[tuple[int, Any, tuple[Any, ...]], ...]  # only the columns that have any
    columns: tuple[str, ...]  # each qualified by its table's alias (t0 the model's, t1… in `paths` order)
    tables: str  # FROM … with the joins
    paths: tuple[tuple[str, int], ...]  # ("user", 1), ("user__staff_profile", 2), …: each relation's part

    def column(self, path: str, attname: str) -> int:
        """The position of a column in the row: `path` "" for the model's own."""
        part = dict(self.paths).get(path, 0) if path else 0
        start = sum(len(p.fields) for p in self.parts[:part])
        return start + self.parts[part].names.index(attname)

    def load(self, row: Sequence[Any]) -> Any:
        connection = _connection(self.model)
        values = list(row)
        for at, col, funcs in self.converters:
            for func in funcs:
                values[at] = func(values[at], col, connection)
        objects: list[Any] = []
        start = 0
        for part in self.parts:
            own = values[start : start + len(part.fields)]
            start += len(part.fields)
            found = None if own[part.pk_at] is None else part.make(connection.alias, own)
            objects.append(found)
            parent = objects[part.parent] if part.parent is not None else None
            if parent is None:
                continue
            part.relation.set_cached_value(parent, found)  # as select_related leaves it, None included
            if isinstance(part.relation, ForeignObjectRel) and found is not None:  # a one-to-one, both ways
                part.relation.field.set_cached_value(found, parent)
        return objects[0]


@functools.cache
def joined(model: type[Model], paths: tuple[str, ...], vendor: str) -> Joined:
    """The read of `model` and its relations along `paths` ("user__staff_profile__reseller", …): inner
    joins for required foreign keys, left joins for the rest, every concrete column of each model."""
    connection = _connection(model)

    def q(name: Any) -> str:
        return str(connection.ops.quote_name(name))

    parts = [_Part(model, "t0", None, None, tuple(model._meta.concrete_fields))]
    where: dict[str, int] = {"": 0}
    joins: list[str] = []
    for path in paths:
        names = path.split("__")
        for depth in range(1, len(names) + 1):
            key = "__".join(names[:depth])
            if key in where:
                continue
            parent_at = where["__".join(names[: depth - 1])]
            parent = parts[parent_at]
            relation = parent.model._meta.get_field(names[depth - 1])
            alias = f"t{len(parts)}"
            if isinstance(relation, ForeignObjectRel):  # the reverse side of a one-to-one
                if not relation.one_to_one:
                    raise ValueError(f"{key}: only one-to-one relations are read back to front")
                target = relation.related_model
                on = f"{alias}.{q(relation.field.column)} = {parent.alias}.{q(relation.field.target_field.column)}"
                outer = True
            elif isinstance(relation, RelatedField) and (relation.many_to_one or relation.one_to_one):
                target = relation.related_model
                on = f"{alias}.{q(relation.target_field.column)} = {parent.alias}.{q(relation.column)}"
                under_outer = parent_at != 0 and joins[parent_at - 1].startswith("LEFT")
                outer = relation.null or under_outer
            else:
                raise ValueError(f"{key}: not a foreign key or one-to-one relation")
            assert isinstance(target, type)
            joins.append(f"{'LEFT OUTER' if outer else 'INNER'} JOIN {q(target._meta.db_table)} {alias} ON {on}")
            where[key] = len(parts)
            parts.append(_Part(target, alias, parent_at, relation, tuple(target._meta.concrete_fields)))
    columns: list[str] = []
    converters: list[tuple[int, Any, tuple[Any, ...]]] = []
    for part in parts:
        for field in part.fields:
            columns.append(f"{part.alias}.{q(field.column)}")
            col = field.get_col(part.alias)
            funcs = tuple(connection.ops.get_db_converters(col) + col.get_db_converters(connection))
            if funcs:
                converters.append((len(columns) - 1, col, funcs))
    tables = f"FROM {q(model._meta.db_table)} t0 " + " ".join(joins)
    paths_at = tuple((key, at) for key, at in where.items() if key)
    return Joined(model, tuple(parts), f"SELECT {', '.join(columns)} {tables}", tuple(converters), tuple(columns),
                  tables, paths_at)  # fmt: skip


def vendor(model: type[Model]) -> str:
    return str(_connection(model).vendor)
