"""The ranges of a keyset page, shared by the cabinet's lists and the API's (issues 12, 13: Speed).

A list in one sort is read as parts, each one range of an index such as `(reseller_id, expires_at, id)`:
the rows with a value, and — when the sort's field may be empty — those without one (after the others
ascending, before them descending, where a btree index keeps NULLs). "The rows after this one" is a range
of the part the cursor's row is in, then the parts that follow. The pages' own cursors, sizes and
errors stay with each front (`cabinet.listing`, `api.pages`)."""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import Q, QuerySet


class KeyedSort(Protocol):
    @property
    def field(self) -> str: ...

    @property
    def nullable(self) -> bool: ...  # rows without a value: after the others ascending, before them descending

    @property
    def unique(self) -> bool: ...  # the value alone orders the rows (no id needed to break ties)


def parts(rows: QuerySet[Any], option: KeyedSort, descending: bool) -> list[tuple[bool, QuerySet[Any]]]:
    """The list in order as (holds nulls, rows) parts, each one index range."""
    field, way = option.field, "-" if descending else ""
    valued = rows.filter(**{f"{field}__isnull": False}) if option.nullable else rows
    order = (f"{way}{field}",) if option.unique else (f"{way}{field}", f"{way}id")
    found = [(False, valued.order_by(*order))]
    if option.nullable:
        nulls = (True, rows.filter(**{f"{field}__isnull": True}).order_by(f"{way}id"))
        found = [nulls, *found] if descending else [*found, nulls]
    return found


def after(part: QuerySet[Any], option: KeyedSort, descending: bool, value: Any, last_id: int) -> QuerySet[Any]:
    """The rows of a part that come after the cursor's row: a range the index starts from (`>=` the
    value), the rows of the same value narrowed by id."""
    beyond, reach = ("lt", "lte") if descending else ("gt", "gte")
    if value is None:
        return part.filter(**{f"id__{beyond}": last_id})
    if option.unique:
        return part.filter(**{f"{option.field}__{beyond}": value})
    return part.filter(**{f"{option.field}__{reach}": value}).filter(
        Q(**{f"{option.field}__{beyond}": value}) | Q(**{f"id__{beyond}": last_id})
    )
