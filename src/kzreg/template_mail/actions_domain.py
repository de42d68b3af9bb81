"""The Domain template's actions (T6–T8, T10–T14): New, Modify, Delete, the ISP's hold, Transfer.

A request from a contact's address that the intake could not prove waits for that contact to confirm
at the address on record (T9, T10); so does a transfer whose forwarded Delete carries no DKIM signature
of the administrative contact's domain (T13): the old contacts are asked before, not told after.
"""

from __future__ import annotations

from dataclasses import dataclass

from kzreg.registry import commands as c
from kzreg.registry.models import Contact, Domain
from kzreg.registry.operations import create_domain, delete_domain, modify_domain, set_domain_status, transfer_domain
from kzreg.registry.policy import parse_domain_name
from kzreg.registry.zones import zone_policies
from kzreg.template_mail import mapping
from kzreg.template_mail.authorization import Verdict, authorize, authorize_transfer
from kzreg.template_mail.models import WrittenAuthorization
from kzreg.template_mail.outgoing import primary_host, primary_ns_tech
from kzreg.template_mail.problems import FormProblem
from kzreg.template_mail.replies import Outcome, text
from kzreg.template_mail.run import (
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
    result, problems, warnings = attempt(
        lambda: create_domain(command, run.actor), "domain", rollback=bool(form.problems)
    )
    problems = form.problems + problems
    if problems:
        return Outcome("domain", "N", form.get("2"), "rejected", problems)
    detail = ""
    if result is not None:
        domain = result.object
        until = domain.expires_at.date().isoformat()
        detail = text("registered_until", run.lang, name=domain.unicode_name, until=until)
    return Outcome("domain", "N", form.get("2"), "completed", warnings=warnings, detail=detail)


def domain_modify(run: Run, sub: Submission, confirmed: Verdict | None = None) -> Outcome:
    form = sub.form
    mapping.scheme_of(form)
    command = mapping.modify_command(form)
    domain = find_domain(command.name)
    verdict = confirmed or (
        authorize([domain.registrant, domain.admin_contact], run.evidence(sub)) if domain else Verdict(False)
    )

    def operation():
        return modify_domain(command, run.actor)

    outcome = _precheck(run, sub, "M", operation, verdict, domain)
    if outcome is not None:
        return outcome
    assert domain is not None
    before = Before.of(domain)
    result, problems, warnings = attempt(operation, "domain")
    if problems:
        return Outcome("domain", "M", form.get("2"), "rejected", problems)
    run.record_signature(verdict)
    after = Before.of(result.object)
    groups: list = []
    if set(before.contacts) != set(after.contacts):
        groups += [("role_old_contact", before.contacts), ("role_contact", after.contacts)]
    if before.primary != after.primary or command.nameservers is not None:
        groups.append(("role_ns_tech", [primary_ns_tech(before.primary or None), primary_ns_tech(after.primary)]))
    notify(run, "M", result.object.unicode_name, "result_done", groups)
    return Outcome("domain", "M", form.get("2"), "completed", warnings=warnings)


def _precheck(run, sub, action, operation, verdict: Verdict, domain: Domain | None) -> Outcome | None:
    """Form problems, a dry run of the operation, then authorization: an Outcome when not to apply."""
    form = sub.form
    if form.problems or not verdict.ok:
        _, problems, _ = attempt(operation, "domain", rollback=True)
        problems = form.problems + problems
        if problems:
            return Outcome("domain", action, form.get("2"), "rejected", problems)
    if verdict.ok or domain is None:
        return None

    def what(lang: str) -> str:
        return f"{text('action_' + action, lang)} {domain.unicode_name}"

    if verdict.ask:  # a contact's address, not proven: that contact confirms at the address on record
        return ask_confirmation(run, sub, action, domain.name, verdict.ask, what)
    if verdict.locked:
        return Outcome("domain", action, form.get("2"), "rejected", [not_authorized(verdict)])
    return ask_confirmation(run, sub, action, domain.name, [domain.registrant, domain.admin_contact], what)


def domain_delete(run: Run, sub: Submission, confirmed: Verdict | None = None) -> Outcome:
    form = sub.form
    mapping.scheme_of(form)
    mapping.check_delete(form)
    name = form.get("2")
    domain = find_domain(name)
    command = c.DeleteDomain(name, reason=f"request {run.request.tracking} by mail from {run.sender}")
    evidence = run.evidence(sub)
    verdict = confirmed or (
        authorize([domain.registrant, domain.admin_contact], evidence) if domain else Verdict(False)
    )
    isp = None
    if domain is not None and not verdict.ok:
        isp = authorize([domain.tech_contact, primary_ns_tech(domain)], evidence)
        if isp.ok:  # T12: the ISP that provides name service puts the domain on hold instead
            hold = c.SetDomainStatus(domain.name, "hold", f"Delete from the ISP ({run.sender}), request "
                                     f"{run.request.tracking}")  # fmt: skip

            def hold_operation():
                return set_domain_status(hold, run.actor)

            outcome = _precheck(run, sub, "D", hold_operation, isp, domain)
            if outcome is not None:
                return outcome
            _, problems, _ = attempt(hold_operation, "domain")
            if problems:
                return Outcome("domain", "D", name, "rejected", problems)
            run.record_signature(isp)
            notify(
                run,
                "D",
                domain.unicode_name,
                "result_held",
                [("role_contact", [domain.admin_contact, domain.tech_contact])],
            )
            return Outcome("domain", "D", name, "held")

    def operation():
        return delete_domain(command, run.actor)

    refused = verdict.locked and not verdict.ask
    if domain is not None and not verdict.ok and refused and not form.problems:
        # T12: returned to the requester; the administrative and technical contacts are told.
        notify(
            run,
            "D",
            domain.unicode_name,
            "result_refused",
            [("role_contact", [domain.admin_contact, domain.tech_contact])],
        )
    outcome = _precheck(run, sub, "D", operation, verdict, domain)
    if outcome is not None:
        return outcome
    assert domain is not None
    before = Before.of(domain)
    ns_tech = primary_ns_tech(domain)
    _, problems, _ = attempt(operation, "domain")
    if problems:
        return Outcome("domain", "D", name, "rejected", problems)
    run.record_signature(verdict)
    notify(
        run, "D", domain.unicode_name, "result_done", [("role_contact", before.contacts), ("role_ns_tech", [ns_tech])]
    )
    return Outcome("domain", "D", name, "completed")


def transfer(
    run: Run, name: str, delete: Submission | None, new: Submission | None, confirmed: Verdict | None = None
) -> Outcome:
    """T13: the current administrative contact's Delete plus the new registrant's New, in one mail."""
    if delete is None or new is None:
        return Outcome("transfer", "T", name, "rejected", [FormProblem("", "transfer_forms", {"name": name})])
    mapping.check_delete(delete.form)
    problems = list(delete.form.problems) + list(new.form.problems)
    domain = find_domain(name)
    written = None
    verdict = confirmed or Verdict(False, reasons=(FormProblem("", "auth_not_registered"),))
    if domain is not None and confirmed is None:
        written = (
            WrittenAuthorization.objects.select_for_update()
            .filter(domain=domain.name, used_at__isnull=True, valid_until__gt=run.request.created_at)
            .first()
        )
        verdict = (
            Verdict(True, domain.admin_contact, f"{written.kind}: {written.reference}")
            if written
            else authorize_transfer(domain.admin_contact, run.evidence(delete))
        )
    command = mapping.transfer_command(new.form, verdict.how)

    def operation():
        return transfer_domain(command, run.actor)

    rollback = bool(problems) or not verdict.ok
    result, op_problems, warnings = attempt(operation, "domain", rollback=rollback)
    problems += op_problems
    if domain is not None and not verdict.ok and verdict.ask and not problems:
        # T13: the administrative contact on record confirms the transfer before anything changes.
        fields = {"delete": kept_fields(delete.form), "new": kept_fields(new.form)}
        name_shown = domain.unicode_name
        until = wait_for(
            run,
            "transfer",
            "T",
            domain.name,
            fields,
            verdict.ask,
            lambda lang: f"{text('action_T', lang)} {name_shown}",
        )
        return Outcome("transfer", "T", name, "awaiting", detail=until)
    if domain is not None and not verdict.ok:
        problems.append(not_authorized(verdict, "0c"))
    if problems or result is None:
        return Outcome("transfer", "T", name, "rejected" if problems else "completed", problems)
    run.record_signature(verdict)
    if written is not None:
        written.used_by, written.used_at = run.saved_request(), result.at
        written.save(update_fields=["used_by", "used_at"])
    before = Before.of(domain)
    after = Before.of(result.object)
    notify(
        run,
        "T",
        result.object.unicode_name,
        "result_done",
        [("role_old_contact", before.contacts), ("role_contact", after.contacts)],
    )
    return Outcome("transfer", "T", name, "completed", warnings=warnings)
