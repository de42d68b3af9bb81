"""Create and modify contacts; resolve a contact named by handle or by data (R5–R9, T9).

A contact given by data is matched on name, organisation, phones and e-mails (R7); on a match the
existing record is used and the submitted details are not applied. Otherwise a contact is created with a
handle in the seed's style.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem, Problems
from kzreg.core.messages import Code
from kzreg.registry import handles, rows
from kzreg.registry.commands import ContactData, CreateContact, ModifyContact
from kzreg.registry.models import Contact, ContactKind, HandleSequence, ObjectType, SecurityScheme
from kzreg.registry.operations.base import Context, OperationResult, execute
from kzreg.registry.operations.domain_parts import find_registrar
from kzreg.registry.operations.prohibitions import CONTACT_STATUSES, UPDATE, check_contact_allows, clean_status_change
from kzreg.registry.operations.sponsorship import (
    auth_code_problem,
    check_sponsor,
    new_auth_code,
)
from kzreg.registry.passwords import hash_password, is_known_hash
from kzreg.registry.pgp import key_fingerprint
from kzreg.registry.policy import (
    check_country,
    check_email,
    check_handle,
    check_phone,
    split_list,
)
from kzreg.registry.snapshots import contact_snapshot

HANDLE_ATTEMPTS = 5  # concurrent requests may generate the same next handle; the unique index decides
LANGUAGE_CHOICES = {"r": "ru", "ru": "ru", "e": "en", "en": "en", "k": "kk", "kk": "kk"}
TEXT_LIMITS = {
    "name": 255, "organisation": 255, "address": 255, "city": 100, "region": 100, "postal_code": 20,
}  # fmt: skip


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def match_key(name: str, organisation: str, phones: list[str], emails: list[str]) -> str:
    """The R7 identity of a contact: name, organisation, phones (digits) and e-mails, normalised."""
    parts = [
        _squash(name),
        _squash(organisation),
        ",".join(sorted("".join(ch for ch in p if ch.isdigit()) for p in phones)),
        ",".join(sorted(e.strip().lower() for e in emails)),
    ]
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def validate_contact_data(data: ContactData, problems: Problems, prefix: str) -> dict | None:
    """R8: the fields a contact without a handle needs, each checked; returns clean values or None."""
    before = len(problems)

    def where(name: str) -> str:
        return f"{prefix}.{name}" if prefix else name

    kind = (data.kind or "").strip().upper()[:1]
    if not data.kind or not data.kind.strip():
        problems.add(where("kind"), Code.REQUIRED)
    elif kind not in (ContactKind.INDIVIDUAL, ContactKind.ROLE):
        problems.add(where("kind"), Code.INVALID_CHOICE, value=data.kind, choices="I, R")
    clean: dict = {"kind": kind}
    for name in ("name", "organisation", "address", "city", "region", "postal_code"):
        value = " ".join(str(getattr(data, name) or "").split())
        if len(value) > TEXT_LIMITS[name]:
            problems.add(where(name), Code.TOO_LONG, limit=TEXT_LIMITS[name])
        clean[name] = value
    required = ["name", "address", "city"]
    if kind == ContactKind.ROLE:
        required.append("organisation")
    for name in required:
        if not clean[name]:
            problems.add(where(name), Code.REQUIRED)
    country = (data.country_code or "").strip().upper()
    if not country:
        problems.add(where("country_code"), Code.REQUIRED)
    elif not check_country(country):
        problems.add(where("country_code"), Code.INVALID_COUNTRY, value=data.country_code)
    clean["country_code"] = country
    for name, check, code, needed in (
        ("phones", check_phone, Code.INVALID_PHONE, True),
        ("faxes", check_phone, Code.INVALID_PHONE, False),
        ("emails", check_email, Code.INVALID_EMAIL, True),
    ):
        values = split_list(getattr(data, name))
        if needed and not values:
            problems.add(where(name), Code.REQUIRED)
        for value in values:
            if not check(value):
                problems.add(where(name), code, value=value)
        clean[name] = [v.lower() for v in values] if name == "emails" else values
    language = LANGUAGE_CHOICES.get((data.language or "ru").strip().lower())
    if language is None:
        problems.add(where("language"), Code.INVALID_CHOICE, value=data.language, choices="R, E, K")
    clean["language"] = language or "ru"
    clean["disclose"] = bool(data.disclose)
    return clean if len(problems) == before else None


def _taken(handle: str) -> bool:
    return bool(rows.select(Contact, ("id",), "handle = %s", [handle]))


def _first_free_from(candidate: Callable[[int], str], start: int) -> int:
    """The first free number at or after `start`, assuming numbers are used densely from there (as the
    operations and the bulk loader use them): gallop to a free one, then halve back to the boundary."""
    if not _taken(candidate(start)):
        return start
    low, step = start, 1
    while _taken(candidate(low + step)):
        low, step = low + step, step * 2
    high = low + step  # candidate(low) taken, candidate(high) free
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _taken(candidate(middle)) else (low, middle)
    return high


@dataclass(frozen=True)
class HandleNumbering:
    """The handles of one stem (`IVG` → IVG1, IVG2 …; `CSSC-ORG` → CSSC-ORG, CSSC1-ORG …), counted in
    `HandleSequence`."""

    stem: str
    candidate: Callable[[int], str]
    start: int

    @classmethod
    def of(cls, kind: str, name: str, organisation: str) -> HandleNumbering:
        if kind == ContactKind.ROLE:
            prefix = handles.role_prefix(organisation or name)
            return cls(f"{prefix}{handles.ROLE_SUFFIX}", lambda n: handles.role_handle_number(prefix, n), 0)
        prefix = handles.individual_prefix(name)
        return cls(prefix, lambda n: f"{prefix}{n}", 1)

    def take_next(self) -> int:
        """One UPSERT takes the next number and locks the stem's row until the request commits, so two
        requests never get the same one."""
        table, stem, last = rows.quote(HandleSequence._meta.db_table), rows.quote("stem"), rows.quote("last")
        row = rows.fetch_one(
            f"INSERT INTO {table} ({stem}, {last}) VALUES (%s, %s) ON CONFLICT ({stem}) "
            f"DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            [self.stem, self.start],
        )
        assert row is not None
        return row[0]

    def skip_taken(self, number: int) -> int:
        """The count was behind handles made otherwise (migrated contacts, an explicit handle): the first
        free number after `number`, which becomes the count."""
        free = _first_free_from(self.candidate, number + 1)
        table, stem, last = rows.quote(HandleSequence._meta.db_table), rows.quote("stem"), rows.quote("last")
        rows.execute(f"UPDATE {table} SET {last} = %s WHERE {stem} = %s", [free, self.stem])
        return free


def insert_contact(ctx: Context, clean: dict, handle: str | None = None) -> Contact:
    """Writes a validated contact with its first history version (in the caller's transaction).

    A generated handle is tried without asking first whether it is free: the keyed INSERT says so, and only
    then is the count moved past the handles made outside it."""
    contact = Contact(
        **{"auth_code": new_auth_code(), **clean},
        match_key=match_key(clean["name"], clean["organisation"], clean["phones"], clean["emails"]),
        registrar_id=ctx.sponsor_id,
        consent_at=ctx.now,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    if handle is not None:
        contact.handle = handle
        if not rows.insert_unless_exists(contact, "handle"):
            raise OperationFailed([Problem("handle", Code.HANDLE_TAKEN, {"handle": handle})])
    else:
        numbering = HandleNumbering.of(clean["kind"], clean["name"], clean["organisation"])
        number = numbering.take_next()
        for attempt in range(HANDLE_ATTEMPTS):
            contact.handle = numbering.candidate(number)
            if rows.insert_unless_exists(contact, "handle"):
                break
            if attempt == HANDLE_ATTEMPTS - 1:
                raise OperationFailed([Problem("handle", Code.HANDLE_TAKEN, {"handle": contact.handle})])
            number = numbering.skip_taken(number)
    ctx.history(ObjectType.CONTACT, contact, contact.handle, contact_snapshot(contact))
    return contact


def _handle_race(exc: IntegrityError) -> list[Problem]:
    return [Problem("handle", Code.HANDLE_TAKEN, {"handle": "?"})] if "handle" in str(exc) else []


def create_contact(command: CreateContact, actor: Actor) -> OperationResult[Contact]:
    def body(ctx: Context) -> Contact:
        clean = validate_contact_data(command.data, ctx.problems, "")
        handle = None
        if command.handle:
            handle = command.handle.strip().upper()
            if not check_handle(handle):
                ctx.problems.add("handle", Code.HANDLE_INVALID, value=command.handle)
            elif Contact.objects.filter(handle=handle).exists():
                ctx.problems.add("handle", Code.HANDLE_TAKEN, handle=handle)
        secrets = _security(ctx, command.security_scheme, command.crypt_password, None, command.pgp_key)
        secrets.update(_auth_code(ctx, command.auth_code))
        if command.registrar:
            registrar = find_registrar(ctx, command.registrar)
            ctx.sponsor_id = registrar.id if registrar is not None else None
        ctx.check_guards(None)
        assert clean is not None
        clean.update(secrets)
        return insert_contact(ctx, clean, handle)

    return execute("contact_create", command, actor, body, _handle_race)


def _auth_code(ctx: Context, value: str | None) -> dict:
    if value is None:
        return {}
    problem = auth_code_problem(value)
    if problem is not None:
        ctx.problems.extend([problem])
    return {"auth_code": value}


def _security(
    ctx: Context, scheme: str | None, password: str | None, legacy_hash: str | None, pgp_key: str | None
) -> dict:
    """Validates the T9 security scheme and its secret; returns the fields to store."""
    out: dict = {}
    if password is not None:
        if len(password) < 6:
            ctx.problems.add("crypt_password", Code.INVALID, value="at least 6 characters")
        else:
            out["crypt_hash"] = hash_password(password)
    if legacy_hash is not None:
        if not is_known_hash(legacy_hash):
            ctx.problems.add("crypt_hash", Code.INVALID, value="not a crypt hash")
        else:
            out["crypt_hash"] = legacy_hash
    if pgp_key is not None:
        fingerprint = key_fingerprint(pgp_key) if pgp_key.strip() else ""
        if fingerprint is None:
            ctx.problems.add("pgp_key", Code.INVALID, value="not one ASCII-armored PGP public key")
        else:
            out["pgp_key"] = pgp_key.strip()
            out["pgp_fingerprint"] = fingerprint
    if scheme is not None:
        value = {"": "", "N": "", "M": "M", "C": "C", "P": "P"}.get(scheme.strip().upper()[:1])
        if value is None:
            ctx.problems.add("security_scheme", Code.INVALID_CHOICE, value=scheme, choices="M, C, P")
        out["security_scheme"] = value or ""
    return out


MODIFIABLE = (
    "kind", "name", "organisation", "address", "city", "region", "postal_code", "country_code", "phones",
    "faxes", "emails", "language", "disclose",
)  # fmt: skip


def modify_contact(command: ModifyContact, actor: Actor) -> OperationResult[Contact]:
    def body(ctx: Context) -> Contact:
        handle = command.handle.strip().upper()
        contact = Contact.objects.select_for_update().filter(handle=handle).first()
        if contact is None:
            raise OperationFailed([Problem("handle", Code.NOT_FOUND, {"kind": "contact", "key": handle})])
        check_sponsor(ctx.actor, contact.registrar_id, "contact", contact.handle, "handle")
        check_contact_allows(ctx, contact, UPDATE, command.remove_statuses)
        statuses = clean_status_change(
            ctx, CONTACT_STATUSES, contact.client_statuses, command.add_statuses, command.remove_statuses
        )
        unknown = set(command.changes) - set(MODIFIABLE)
        for name in sorted(unknown):
            ctx.problems.add(name, Code.INVALID, value="not a contact field")
        current = {f: getattr(contact, f) for f in MODIFIABLE}
        merged = {
            **current,
            **{k: v for k, v in command.changes.items() if k in MODIFIABLE and v is not None},
        }
        clean = validate_contact_data(ContactData(**merged), ctx.problems, "")
        secrets = _security(ctx, command.security_scheme, command.crypt_password, command.crypt_hash, command.pgp_key)
        secrets.update(_auth_code(ctx, command.auth_code))
        scheme = secrets.get("security_scheme", contact.security_scheme)
        if scheme == SecurityScheme.CRYPT_PW and not (secrets.get("crypt_hash") or contact.crypt_hash):
            ctx.problems.add("crypt_password", Code.REQUIRED)
        if scheme == SecurityScheme.PGP and not (secrets.get("pgp_fingerprint") or contact.pgp_fingerprint):
            ctx.problems.add("pgp_key", Code.REQUIRED)
        ctx.check_guards(contact)
        assert clean is not None
        if statuses is not None:
            secrets["client_statuses"] = statuses
        changed = {k: v for k, v in {**clean, **secrets}.items() if getattr(contact, k) != v}
        if not changed:
            raise OperationFailed([Problem("", Code.NOTHING_TO_CHANGE)])
        for k, v in changed.items():
            setattr(contact, k, v)
        contact.match_key = match_key(contact.name, contact.organisation, contact.phones, contact.emails)
        contact.updated_at = ctx.now
        contact.version += 1
        contact.save()
        ctx.history(ObjectType.CONTACT, contact, contact.handle, contact_snapshot(contact))
        return contact

    return execute("contact_modify", command, actor, body)
