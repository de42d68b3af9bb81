"""Resolve the contacts a domain command names, by handle or by data (R5–R9), creating what is new.

A contact given by data is matched on name, organisation, phones and e-mails (R7) — among the registrar's
own contacts for a registrar (SPEC E2: R7 matching is the mail channel's rule) — and on a match the
existing record is used and the submitted details are not applied. Another registrar's contact is named
only with its authorization code.
"""

from __future__ import annotations

from dataclasses import dataclass

from kzreg.core.errors import Problem, Problems
from kzreg.core.messages import Code
from kzreg.registry import rows
from kzreg.registry.commands import AuthCodes, ContactData, ContactRef
from kzreg.registry.models import Contact
from kzreg.registry.operations.base import Context
from kzreg.registry.operations.contact import insert_contact, match_key, validate_contact_data
from kzreg.registry.operations.sponsorship import is_sponsor_bound, may_use_contact
from kzreg.registry.policy import check_handle


@dataclass
class _Given:
    """A contact given by data, checked (`clean` is None when it has problems) and keyed for matching."""

    clean: dict | None
    problems: list[Problem]
    key: str


class ContactResolver:
    """Turns the contact references of one request into contacts, creating what is new (R7)."""

    def __init__(self, ctx: Context, auth_codes: AuthCodes | None = None):
        self.ctx = ctx
        self.auth_codes = auth_codes or {}
        # R7 matching is the mail channel's rule (SPEC E2): a registrar's data matches its own contacts only.
        bound = is_sponsor_bound(ctx.actor)
        self._scope = ("registrar_id = %s AND ", [ctx.actor.registrar_id]) if bound else ("", [])
        self._created: list[tuple[str, Contact]] = []
        self._by_handle: dict[str, Contact | None] = {}
        self._given: dict[int, _Given] = {}  # by id(): the command holds its ContactData for the request
        self._by_key: dict[str, Contact | None] = {}
        self._pending: list[tuple[set[str], rows.Pending[Contact], str]] = []

    def prefetch(self, *refs: ContactRef | None) -> None:
        """Asks in one query for every contact named by handle (a registration names up to four), and in
        another for the R7 matches of every contact given by data; the answers are read at the first
        `lookup`, so the queries can travel with the request's other reads."""
        wanted = {r.strip().upper() for r in refs if isinstance(r, str) and r.strip()} - set(self._by_handle)
        wanted = {h for h in wanted if check_handle(h)}
        if wanted:
            self._ask("handle", wanted)
        keys = {self._check(ref).key for ref in refs if isinstance(ref, ContactData)}
        keys = {key for key in keys if key} - set(self._by_key)
        if keys:
            self._ask("match_key", keys)

    def _ask(self, column: str, values: set[str]) -> None:
        scope, params = self._scope if column == "match_key" else ("", [])
        where = f"{scope}{column} IN ({rows.placeholders(len(values))}) ORDER BY id"
        pending = rows.select_soon(Contact, rows.all_columns(Contact), where, [*params, *sorted(values)])
        self._pending.append((values, pending, column))

    def _read_prefetched(self) -> None:
        for values, pending, column in self._pending:
            found: dict[str, Contact] = {}
            for contact in pending.rows():  # by id: the oldest match of a key wins (R7)
                found.setdefault(getattr(contact, column), contact)
            known = self._by_handle if column == "handle" else self._by_key
            for value in values:
                known[value] = found.get(value)
        self._pending = []

    def _check(self, data: ContactData) -> _Given:
        """R8 checks once per request for the same data object, whichever roles name it."""
        given = self._given.get(id(data))
        if given is None:
            problems = Problems()
            clean = validate_contact_data(data, problems, "")
            key = match_key(clean["name"], clean["organisation"], clean["phones"], clean["emails"]) if clean else ""
            given = self._given[id(data)] = _Given(clean, problems.items, key)
        return given

    def lookup(self, ref: ContactRef | None, prefix: str, required: bool = True) -> Contact | dict | None:
        """A Contact for a handle or a matched contact; clean data (a dict) for a contact to create."""
        problems = self.ctx.problems
        if ref is None or (isinstance(ref, str) and not ref.strip()):
            if required:
                problems.add(f"{prefix}.handle", Code.REQUIRED)
            return None
        self._read_prefetched()
        if isinstance(ref, str):
            handle = ref.strip().upper()
            if not check_handle(handle):
                problems.add(f"{prefix}.handle", Code.HANDLE_INVALID, value=ref.strip())
                return None
            if handle not in self._by_handle:  # not prefetched
                found_rows = rows.select(Contact, rows.all_columns(Contact), "handle = %s", [handle])
                self._by_handle[handle] = found_rows[0] if found_rows else None
            found = self._by_handle[handle]
            if found is None:
                problems.add(f"{prefix}.handle", Code.NOT_FOUND, kind="contact", key=handle)
            elif not may_use_contact(self.ctx.actor, found, self.auth_codes):
                problems.add(f"{prefix}.auth_code", Code.AUTH_CODE_INVALID, kind="contact", key=handle)
            return found
        given = self._check(ref)
        problems.extend(given.problems, prefix)
        if given.clean is None:
            return None
        if given.key not in self._by_key:  # not prefetched
            scope, params = self._scope
            where = f"{scope}match_key = %s ORDER BY id LIMIT 1"
            matches = rows.select(Contact, rows.all_columns(Contact), where, [*params, given.key])
            self._by_key[given.key] = matches[0] if matches else None
        match = self._by_key[given.key]
        if match is not None:
            if any(getattr(match, f) != v for f, v in given.clean.items() if f not in ("language", "disclose")):
                self.ctx.warn(prefix, Code.CONTACT_MATCHED, handle=match.handle)
            return match
        return dict(given.clean)

    def materialize(self, value: Contact | dict) -> Contact:
        """Creates a contact from clean data once per request, even if two roles name the same data."""
        if isinstance(value, Contact):
            return value
        key = match_key(value["name"], value["organisation"], value["phones"], value["emails"])
        for seen_key, contact in self._created:
            if seen_key == key:
                return contact
        contact = insert_contact(self.ctx, value)
        self._created.append((key, contact))
        return contact
