"""The Contact and Host templates (T1): a contact's details and security; a host's name and addresses.

Who may change them is the registry's rule (`kzreg.registry.authority`): a contact under its own scheme
(T9), confirming at the address on record when its address is not proven (T10); a host by the contacts of
the domain it lives in, or of the domains using it, without confirmation. Here: the forms, the proof, and
the replies.
"""

from __future__ import annotations

import re

from kzreg.registry import commands as c
from kzreg.registry.authority import Decision
from kzreg.registry.operations import create_contact, create_host, delete_host, modify_contact, modify_host
from kzreg.registry.passwords import is_known_hash
from kzreg.template_mail import mapping
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


def contact_form(run: Run, sub: Submission, action: str, confirmed_by: str = "") -> Outcome:
    form = sub.form
    handle = form.get("1").upper()
    changes = mapping.contact_changes(form)
    security = _security(form)
    material = run.material(sub, confirmed_by)
    actor = run.acting(material)
    if action == "N":
        data = c.ContactData(**{"language": "ru", **changes})  # type: ignore[arg-type]
        command = c.CreateContact(data=data, handle=handle or None, **security)
        done = attempt(lambda: create_contact(command, actor), "contact", rollback=bool(form.problems))
        problems = form.problems + done.problems + ([not_authorized(done.refusal)] if done.refusal else [])
        if problems:
            return Outcome("contact", "N", handle, "rejected", problems)
        key = done.result.object.handle if done.result else handle
        return Outcome("contact", "N", key, "completed", warnings=done.warnings)
    modify = c.ModifyContact(handle=handle, changes=changes, **security)
    done = attempt(lambda: modify_contact(modify, actor), "contact", rollback=bool(form.problems))
    problems = form.problems + done.problems
    if problems or (done.result is None and done.refusal is None):
        return Outcome("contact", "M", handle, "rejected", problems)
    if done.refusal is not None:
        if done.refusal.decision != Decision.CONFIRM:
            return Outcome("contact", "M", handle, "rejected", [not_authorized(done.refusal)])

        def what(lang: str) -> str:
            return f"{text('template_contact', lang)} {text('action_M', lang)} {handle}"

        return ask_confirmation(run, sub, "M", handle, done.refusal.ask, what)
    run.mark_used(material)
    return Outcome("contact", "M", handle, "completed", warnings=done.warnings)


def host_form(run: Run, sub: Submission, action: str) -> Outcome:
    form = sub.form
    mapping.scheme_of(form)
    name = form.get("1")
    addresses = tuple(a for a in re.split(r"[,;\s]+", form.get("3")) if a)
    material = run.material(sub)
    actor = run.acting(material)
    if action == "N":
        command = c.CreateHost(name, addresses)

        def operation():
            return create_host(command, actor)
    elif action == "M":
        modify = c.ModifyHost(name, new_name=form.get("2") or None, addresses=addresses or None)

        def operation():
            return modify_host(modify, actor)
    else:
        delete = c.DeleteHost(name)

        def operation():
            return delete_host(delete, actor)

    done = attempt(operation, "host", rollback=bool(form.problems))
    problems = form.problems + done.problems
    if done.refusal is not None:  # a host has no confirmation: refused with the reasons
        problems = problems or [not_authorized(done.refusal)]
    if problems or done.result is None:
        return Outcome("host", action, name, "rejected" if problems else "completed", problems)
    run.mark_used(material)
    return Outcome("host", action, name, "completed", warnings=done.warnings)
