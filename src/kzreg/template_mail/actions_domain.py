"""The Domain template's actions (T6–T8, T10–T14): New, Modify, Delete, the ISP's hold, Transfer.

Each action proves what the form offers (`proving`) and runs the registry operation with that proof; the
registry decides (`kzreg.registry.authority`): apply, refuse, hold instead of delete (T12), or wait for
the contact on record to confirm at the address on record (T9, T10; T13: a forwarded Delete without the
administrative contact's DKIM signature). This module turns the answer into replies and notices (T11).
"""

from __future__ import annotations

from dataclasses import dataclass

from kzreg.registry import commands as c
from kzreg.registry.authority import Decision, Verdict, decide_mail
from kzreg.registry.models import Contact, Domain
from kzreg.registry.operations import create_domain, delete_domain, modify_domain, transfer_domain
from kzreg.registry.policy import parse_domain_name
from kzreg.registry.zones import zone_policies
from kzreg.template_mail import mapping
from kzreg.template_mail.models import WrittenAuthorization
from kzreg.template_mail.outgoing import primary_host, primary_ns_tech
from kzreg.template_mail.problems import FormProblem
from kzreg.template_mail.replies import Outcome, text
from kzreg.template_mail.run import (
    Attempt,
    Run,
    Submission,
    ask_confirmation,
    attempt,
    kept_fields,
    not_authorized,
    notify,
    wait_for,
)


def find_domain(raw: str) -> Domain | None:
    parsed, _ = parse_domain_name(raw, zone_policies(), "name")
    if parsed is None:
        return None
    return (
        Domain.objects.select_related("registrant", "admin_contact", "tech_contact", "billing_contact")
        .filter(name=parsed.name, deleted_at__isnull=True)
        .first()
    )


@dataclass
class Before:
    """The parties of a domain before a change, for the T11 notices."""

    contacts: tuple[Contact, ...]
    primary: str

    @classmethod
    def of(cls, domain: Domain) -> Before:
        roles = (domain.registrant, domain.admin_contact, domain.tech_contact, domain.billing_contact)
        return cls(roles, primary_host(domain))


def domain_new(run: Run, sub: Submission) -> Outcome:
    form = sub.form
    command = mapping.create_command(form)
    actor = run.acting(run.material(sub))
    done = attempt(lambda: create_domain(command, actor), "domain", rollback=bool(form.problems))
    problems = form.problems + done.problems + ([not_authorized(done.refusal)] if done.refusal else [])
    if problems:
        return Outcome("domain", "N", form.get("2"), "rejected", problems)
    detail = ""
    if done.result is not None:
        domain = done.result.object
        until = domain.expires_at.date().isoformat()
        detail = text("registered_until", run.lang, name=domain.unicode_name, until=until)
    return Outcome("domain", "N", form.get("2"), "completed", warnings=done.warnings, detail=detail)


def _not_applied(run: Run, sub: Submission, action: str, done: Attempt, domain: Domain | None) -> Outcome | None:
    """The outcome when the operation did not apply the form: its problems (form problems first, T5), or
    the registry's verdict: wait for the contacts it names, or refused with its reasons."""
    form = sub.form
    problems = form.problems + done.problems
    if problems or (done.result is None and done.refusal is None):
        return Outcome("domain", action, form.get("2"), "rejected", problems)
    verdict = done.refusal
    if verdict is None:
        return None
    if verdict.decision == Decision.CONFIRM and domain is not None:
        name = domain.unicode_name

        def what(lang: str) -> str:
            return f"{text('action_' + action, lang)} {name}"

        return ask_confirmation(run, sub, action, domain.name, verdict.ask, what)
    return Outcome("domain", action, form.get("2"), "rejected", [not_authorized(verdict)])


def domain_modify(run: Run, sub: Submission, confirmed_by: str = "") -> Outcome:
    form = sub.form
    mapping.scheme_of(form)
    command = mapping.modify_command(form)
    domain = find_domain(command.name)
    before = Before.of(domain) if domain is not None else None
    material = run.material(sub, confirmed_by)
    actor = run.acting(material)
    done = attempt(lambda: modify_domain(command, actor), "domain", rollback=bool(form.problems))
    outcome = _not_applied(run, sub, "M", done, domain)
    if outcome is not None:
        return outcome
    assert before is not None
    run.mark_used(material)
    after = Before.of(done.result.object)
    groups: list = []
    if set(before.contacts) != set(after.contacts):
        groups += [("role_old_contact", before.contacts), ("role_contact", after.contacts)]
    if before.primary != after.primary or command.nameservers is not None:
        groups.append(("role_ns_tech", [primary_ns_tech(before.primary or None), primary_ns_tech(after.primary)]))
    notify(run, "M", done.result.object.unicode_name, "result_done", groups)
    return Outcome("domain", "M", form.get("2"), "completed", warnings=done.warnings)


def domain_delete(run: Run, sub: Submission, confirmed_by: str = "") -> Outcome:
    """T8; T12: the serving ISP's Delete puts the domain on hold instead; a Delete from anyone else who
    is not authorized is returned, and the administrative and technical contacts are told."""
    form = sub.form
    mapping.scheme_of(form)
    mapping.check_delete(form)
    name = form.get("2")
    domain = find_domain(name)
    before = Before.of(domain) if domain is not None else None
    ns_tech = primary_ns_tech(domain) if domain is not None else None
    command = c.DeleteDomain(name, reason=f"request {run.request.tracking} by mail from {run.sender}")
    material = run.material(sub, confirmed_by)
    actor = run.acting(material)
    done = attempt(lambda: delete_domain(command, actor), "domain", rollback=bool(form.problems))
    refused = done.refusal is not None and done.refusal.decision == Decision.REFUSE
    if refused and domain is not None and not form.problems:
        notify(run, "D", domain.unicode_name, "result_refused",
               [("role_contact", [domain.admin_contact, domain.tech_contact])])  # fmt: skip
    outcome = _not_applied(run, sub, "D", done, domain)
    if outcome is not None:
        return outcome
    assert domain is not None and before is not None
    run.mark_used(material)
    if done.result.object.deleted_at is None and done.result.object.hold:  # held instead (T12)
        notify(run, "D", domain.unicode_name, "result_held",
               [("role_contact", [domain.admin_contact, domain.tech_contact])])  # fmt: skip
        return Outcome("domain", "D", name, "held")
    notify(
        run, "D", domain.unicode_name, "result_done", [("role_contact", before.contacts), ("role_ns_tech", [ns_tech])]
    )
    return Outcome("domain", "D", name, "completed")


def _written_authorization(run: Run, domain: Domain) -> WrittenAuthorization | None:
    """A transfer authorized on letterhead and recorded by registry staff (T13), still unused."""
    return (
        WrittenAuthorization.objects.select_for_update()
        .filter(domain=domain.name, used_at__isnull=True, valid_until__gt=run.request.created_at)
        .first()
    )


def transfer(run: Run, name: str, delete: Submission | None, new: Submission | None, confirmed_by: str = "") -> Outcome:
    """T13: the current administrative contact's Delete plus the new registrant's New, in one mail."""
    if delete is None or new is None:
        return Outcome("transfer", "T", name, "rejected", [FormProblem("", "transfer_forms", {"name": name})])
    mapping.check_delete(delete.form)
    problems = list(delete.form.problems) + list(new.form.problems)
    domain = find_domain(name)
    written = _written_authorization(run, domain) if domain is not None and not confirmed_by else None
    material = run.material(delete, confirmed_by, written=f"{written.kind}: {written.reference}" if written else "")
    actor = run.acting(material)
    before = Before.of(domain) if domain is not None else None
    command = mapping.transfer_command(new.form, "")  # how the holder agreed: the registry's verdict says
    done = attempt(lambda: transfer_domain(command, actor), "domain", rollback=bool(problems))
    problems += done.problems
    verdict: Verdict | None = done.refusal
    if verdict is None and done.problems and domain is not None:
        # T13 returns an unauthorized transfer as such even when its forms have mistakes too: the registry
        # is asked for its verdict on the proof alone.
        asked = decide_mail("domain_transfer", command, domain, material.proof)
        verdict = asked if asked.decision in (Decision.CONFIRM, Decision.REFUSE) else None
    if domain is not None and verdict is not None and verdict.decision == Decision.CONFIRM and not problems:
        # T13: the administrative contact on record confirms the transfer before anything changes.
        fields = {"delete": kept_fields(delete.form), "new": kept_fields(new.form)}
        name_shown = domain.unicode_name
        until = wait_for(run, "transfer", "T", domain.name, fields, verdict.ask,
                         lambda lang: f"{text('action_T', lang)} {name_shown}")  # fmt: skip
        return Outcome("transfer", "T", name, "awaiting", detail=until)
    if verdict is not None:
        problems.append(not_authorized(verdict, "0c"))
    if problems or done.result is None:
        return Outcome("transfer", "T", name, "rejected" if problems else "completed", problems)
    assert before is not None
    run.mark_used(material)
    if written is not None:
        written.used_by, written.used_at = run.saved_request(), done.result.at
        written.save(update_fields=["used_by", "used_at"])
    after = Before.of(done.result.object)
    notify(
        run,
        "T",
        done.result.object.unicode_name,
        "result_done",
        [("role_old_contact", before.contacts), ("role_contact", after.contacts)],
    )
    return Outcome("transfer", "T", name, "completed", warnings=done.warnings)
