"""Registrars as registry objects (issue 10): create, change contact data, suspend and reactivate.

Registry staff (and the system, for its own bootstrap registrar) only. Each change is a version in
history like a domain's. A suspended registrar's registrar and reseller actors are refused by every
operation (`sponsorship.require_active_registrar`); the mail channel, which acts as registrant, is not.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.db import IntegrityError

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry import rows
from kzreg.registry.commands import CreateRegistrar, ModifyRegistrar, RegistrarData, SetRegistrarStatus
from kzreg.registry.models import ObjectType, Registrar, RegistrarStatus
from kzreg.registry.operations.base import Context, OperationResult, execute
from kzreg.registry.policy import check_email, check_phone, normalize_host_name
from kzreg.registry.snapshots import registrar_snapshot

HANDLE_RE = re.compile(r"^[A-Z0-9](?:[A-Z0-9-]{1,30})[A-Z0-9]$")
TEXT_LIMITS = {"name": 200, "address": 255}  # checked first: the order forms show


def _staff_only(ctx: Context) -> None:
    if not ctx.actor.is_privileged:
        raise OperationFailed([Problem("", Code.STAFF_ONLY)])


def _clean_handle(ctx: Context, raw: str) -> str:
    handle = (raw or "").strip().upper()
    if not handle:
        ctx.problems.add("handle", Code.REQUIRED)
    elif not HANDLE_RE.match(handle) or "--" in handle:
        ctx.problems.add("handle", Code.REGISTRAR_HANDLE_INVALID, value=raw.strip())
    return handle


def _clean_data(ctx: Context, data: RegistrarData, current: Registrar | None) -> dict:
    """Every given field checked, in the order forms show them; a registrar always has a name and an
    e-mail address. Returns the clean values of the fields given."""
    problems, out = ctx.problems, {}

    def given(name: str) -> str | None:
        value = getattr(data, name)
        if value is not None:
            out[name] = " ".join(value.split())
        if out.get(name, getattr(current, name, "")) == "" and name in ("name", "email"):
            problems.add(name, Code.REQUIRED)
            return None
        return out.get(name) or None

    for name, limit in TEXT_LIMITS.items():
        value = given(name)
        if value and len(value) > limit:
            problems.add(name, Code.TOO_LONG, limit=limit)
    if email := given("email"):
        out["email"] = email.lower()
        if not check_email(email):
            problems.add("email", Code.INVALID_EMAIL, value=email)
    if (phone := given("phone")) and not check_phone(phone):
        problems.add("phone", Code.INVALID_PHONE, value=phone)
    if url := given("url"):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 200:
            problems.add("url", Code.INVALID_URL, value=url)
    if whois := given("whois_server"):
        names = normalize_host_name(whois)
        if isinstance(names, Problem):
            problems.add("whois_server", names.code, **names.params)
        else:
            out["whois_server"] = names[0]
    return out


def _load(ctx: Context, raw: str) -> Registrar:
    handle = (raw or "").strip().upper()
    registrar = Registrar.objects.select_for_update().filter(handle=handle).first()
    if registrar is None:
        raise OperationFailed([Problem("handle", Code.NOT_FOUND, {"kind": "registrar", "key": raw.strip()})])
    return registrar


def _record(ctx: Context, registrar: Registrar, reason: str = "") -> None:
    ctx.history(ObjectType.REGISTRAR, registrar, registrar.handle, registrar_snapshot(registrar), reason)


def create_registrar(command: CreateRegistrar, actor: Actor) -> OperationResult[Registrar]:
    def body(ctx: Context) -> Registrar:
        _staff_only(ctx)
        handle = _clean_handle(ctx, command.handle)
        values = _clean_data(ctx, command.data, None)
        if handle and Registrar.objects.filter(handle=handle).exists():
            ctx.problems.add("handle", Code.REGISTRAR_EXISTS, key=handle)
        ctx.check_guards(None)
        registrar = rows.insert(Registrar(handle=handle, created_at=ctx.now, updated_at=ctx.now, **values))
        _record(ctx, registrar)
        return registrar

    def on_race(exc: IntegrityError) -> list[Problem]:
        return [Problem("handle", Code.REGISTRAR_EXISTS, {"key": command.handle.strip().upper()})]

    return execute("registrar_create", command, actor, body, on_race)


def modify_registrar(command: ModifyRegistrar, actor: Actor) -> OperationResult[Registrar]:
    def body(ctx: Context) -> Registrar:
        _staff_only(ctx)
        registrar = _load(ctx, command.handle)
        values = _clean_data(ctx, command.data, registrar)
        changed = {k: v for k, v in values.items() if getattr(registrar, k) != v}
        if not changed and not ctx.problems:
            ctx.problems.add("", Code.NOTHING_TO_CHANGE)
        ctx.check_guards(registrar)
        for k, v in changed.items():
            setattr(registrar, k, v)
        registrar.updated_at = ctx.now
        registrar.version += 1
        registrar.save()
        _record(ctx, registrar)
        return registrar

    return execute("registrar_modify", command, actor, body)


def set_registrar_status(command: SetRegistrarStatus, actor: Actor) -> OperationResult[Registrar]:
    def body(ctx: Context) -> Registrar:
        _staff_only(ctx)
        status = (command.status or "").strip().lower()
        if status not in RegistrarStatus.values:
            choices = ", ".join(RegistrarStatus.values)
            raise OperationFailed(
                [Problem("status", Code.INVALID_CHOICE, {"value": command.status, "choices": choices})]
            )
        registrar = _load(ctx, command.handle)
        if registrar.status == status:
            ctx.problems.add("status", Code.SAME_VALUE, value=status)
        reason = " ".join((command.reason or "").split())
        if status == RegistrarStatus.SUSPENDED and not reason:
            ctx.problems.add("reason", Code.REQUIRED)
        ctx.check_guards(registrar)
        registrar.status = status
        registrar.updated_at = ctx.now
        registrar.version += 1
        registrar.save()  # post_save empties this process's registrar cache (`sponsorship`)
        _record(ctx, registrar, reason)
        return registrar

    return execute("registrar_status", command, actor, body)


def ensure_registrar(handle: str, data: RegistrarData, actor: Actor) -> Registrar:
    """The registrar with this handle, created through `create_registrar` on first use (bootstrap: the
    mail channel's registrar, the demo's). A concurrent first use is settled by the unique handle."""
    found = Registrar.objects.filter(handle=handle.strip().upper()).first()
    if found is not None:
        return found
    try:
        return create_registrar(CreateRegistrar(handle, data), actor).object
    except OperationFailed as exc:
        if exc.codes != {Code.REGISTRAR_EXISTS}:
            raise
        return Registrar.objects.get(handle=handle.strip().upper())
