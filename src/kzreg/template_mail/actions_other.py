"""The Contact and Host templates (T1): a contact's details and security; a host's name and addresses.

A contact authorizes changes to itself under its own scheme (T9); from its own address unproven, it
confirms at the address on record (T10). A host is changed by the contacts of the domain it lives in
when that domain is registered here, otherwise by those of the domains using it; a host has no
confirmation, so an unproven sender is refused with the reason.
"""

from __future__ import annotations

import re

from kzreg.registry import commands as c
from kzreg.registry.models import Contact, Domain, Host
from kzreg.registry.operations import create_contact, create_host, delete_host, modify_contact, modify_host
from kzreg.registry.passwords import is_known_hash
from kzreg.registry.policy import normalize_host_name
from kzreg.template_mail import mapping
from kzreg.template_mail.authorization import Verdict, authorize
from kzreg.template_mail.replies import Outcome, text
from kzreg.template_mail.run import Run, Submission, ask_confirmation, attempt, not_authorized


def _security(form, scheme_key: str = "3a") -> dict:
    """3a scheme (empty: unchanged), 3b new password or legacy crypt hash, a PGP key after the form."""
    out: dict = {}
    if form.get(scheme_key):
        out["security_scheme"] = form.get(scheme_key)
    secret = form.get("3b")
    if secret:
        out["crypt_hash" if is_known_hash(secret) else "crypt_password"] = secret
    if form.fields.get("3b#hash"):
        out["crypt_hash"] = form.fields["3b#hash"]
    pgp_key = form.pgp_key or form.fields.get("pgp_key", "")
    if pgp_key:
        out["pgp_key"] = pgp_key
    return out


def contact_form(run: Run, sub: Submission, action: str, confirmed: Verdict | None = None) -> Outcome:
    form = sub.form
    handle = form.get("1").upper()
    changes = mapping.contact_changes(form)
    security = _security(form)
    if action == "N":
        data = c.ContactData(**{"language": "ru", **changes})  # type: ignore[arg-type]
        command = c.CreateContact(data=data, handle=handle or None, **security)
        result, problems, warnings = attempt(
            lambda: create_contact(command, run.actor), "contact", rollback=bool(form.problems)
        )
        problems = form.problems + problems
        if problems:
            return Outcome("contact", "N", handle, "rejected", problems)
        key = result.object.handle if result else handle
        return Outcome("contact", "N", key, "completed", warnings=warnings)
    modify = c.ModifyContact(handle=handle, changes=changes, **security)
    contact = Contact.objects.filter(handle=handle).first() if handle else None
    verdict = confirmed or (authorize([contact], run.evidence(sub)) if contact else Verdict(False))

    def operation():
        return modify_contact(modify, run.actor)

    if form.problems or not verdict.ok:
        _, problems, _ = attempt(operation, "contact", rollback=True)
        problems = form.problems + problems
        if problems:
            return Outcome("contact", "M", handle, "rejected", problems)
        if verdict.locked and not verdict.ask:
            return Outcome("contact", "M", handle, "rejected", [not_authorized(verdict)])

        def what(lang: str) -> str:
            return f"{text('template_contact', lang)} {text('action_M', lang)} {handle}"

        return ask_confirmation(run, sub, "M", handle, [contact], what)
    result, problems, warnings = attempt(operation, "contact")
    if problems:
        return Outcome("contact", "M", handle, "rejected", problems)
    run.record_signature(verdict)
    return Outcome("contact", "M", handle, "completed", warnings=warnings)


def host_authorities(name: str) -> list[Contact]:
    """The administrative and technical contacts who may change host `name`."""
    names = normalize_host_name(name)
    if not isinstance(names, tuple):
        return []
    labels = names[0].split(".")
    for i in range(1, len(labels) - 1):
        parent = Domain.objects.filter(name=".".join(labels[i:]), deleted_at__isnull=True).first()
        if parent is not None:
            return [parent.admin_contact, parent.tech_contact]
    using = Domain.objects.filter(nameserver_links__host__name=names[0], deleted_at__isnull=True)
    return [contact for d in using for contact in (d.admin_contact, d.tech_contact)]


def host_form(run: Run, sub: Submission, action: str) -> Outcome:
    form = sub.form
    mapping.scheme_of(form)
    name = form.get("1")
    addresses = tuple(a for a in re.split(r"[,;\s]+", form.get("3")) if a)
    if action == "N":
        command = c.CreateHost(name, addresses)

        def operation():
            return create_host(command, run.actor)
    elif action == "M":
        modify = c.ModifyHost(name, new_name=form.get("2") or None, addresses=addresses or None)

        def operation():
            return modify_host(modify, run.actor)
    else:
        delete = c.DeleteHost(name)

        def operation():
            return delete_host(delete, run.actor)

    authorities = host_authorities(name)
    exists = Host.objects.filter(name=name.strip().lower().rstrip(".")).exists()
    if action == "N" and not authorities:
        verdict = Verdict(True, how="new external host")
    elif not authorities and not exists:
        verdict = Verdict(True, how="unknown host: the operation reports it")
    else:
        verdict = authorize(authorities, run.evidence(sub))
    rollback = bool(form.problems) or not verdict.ok
    result, problems, warnings = attempt(operation, "host", rollback=rollback)
    problems = form.problems + problems
    if not problems and not verdict.ok:
        problems = [not_authorized(verdict)]
    if problems or result is None:
        return Outcome("host", action, name, "rejected" if problems else "completed", problems)
    run.record_signature(verdict)
    return Outcome("host", action, name, "completed", warnings=warnings)
