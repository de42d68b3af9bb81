"""Who may change a registry object: the registry's one rule for every channel (issue 10).

| actor | may change | decided by |
|---|---|---|
| registry staff, the system | everything | `Actor.is_privileged` |
| a registrar (a reseller's request arrives as its registrar's) | what its registrar sponsors | `operations.sponsorship`, when the operation loads the object |
| anyone with a mail proof (`MailProof`, the e-mailed forms) | what the contacts' security schemes allow (T9–T13) | `decide_mail` here |
| a registrant without a proof | registrations only | here |

Every operation asks once, after its own checks and guards found no problem (`Context.check_guards`
calls `enforce`), so a form with mistakes is told its mistakes first (T5). `enforce` lets the change
through, raises `NotAuthorized` (refused, or waiting for the contact on record to confirm: `Verdict.ask`),
or, for a Delete from the ISP that serves the domain, answers `HOLD` and the delete operation puts the
domain on hold instead (T12). Adapters only prove who is asking (`proof.MailProof`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kzreg.core.actor import Actor, Role
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registry.authority.codes import AuthorityCode
from kzreg.registry.authority.proof import MailProof
from kzreg.registry.authority.schemes import Check, reason, satisfies, satisfies_transfer
from kzreg.registry.models import Contact, Domain, DomainNameServer
from kzreg.registry.policy import normalize_host_name

__all__ = [
    "AuthorityCode", "Decision", "MailProof", "NotAuthorized", "Verdict", "confirmers", "decide_mail", "enforce",
    "host_authorities", "serving_isp_contacts",
]  # fmt: skip

# What a registrant may do without proving who it is: register (T6); R7 keeps existing contacts unchanged.
OPEN_TO_ANYONE = ("domain_create", "contact_create")


class Decision(enum.StrEnum):
    APPLY = "apply"
    CONFIRM = "confirm"  # the contact on record confirms first (T10, T13)
    HOLD = "hold"  # a Delete from the serving ISP puts the domain on hold instead (T12)
    REFUSE = "refuse"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    how: str = ""  # how the request was authorized, for the history reason (T13)
    contact: Contact | None = None  # the contact whose scheme was satisfied
    reasons: tuple[Problem, ...] = ()
    ask: tuple[Contact, ...] = ()  # who confirms (CONFIRM)
    signature_used: bool = False

    @classmethod
    def of(cls, check: Check, otherwise: Decision, ask: Sequence[Contact | None] = ()) -> Verdict:
        if check.ok:
            return cls(Decision.APPLY, check.how, check.contact, signature_used=check.signature_used)
        asked = tuple(c for c in (check.ask or ask) if c is not None) if otherwise == Decision.CONFIRM else ()
        return cls(otherwise, reasons=check.reasons, ask=asked)


class NotAuthorized(OperationFailed):
    """Refused, or waiting for confirmation (`verdict.ask`): nothing was changed."""

    def __init__(self, verdict: Verdict):
        problems = list(verdict.reasons) or [reason(AuthorityCode.NO_CONTACT)]
        if verdict.decision == Decision.CONFIRM:
            handles = ", ".join(c.handle for c in verdict.ask)
            problems.insert(0, reason(AuthorityCode.CONFIRMATION_NEEDED, handles=handles))
        super().__init__(problems)
        self.verdict = verdict


class AuthorityContext(Protocol):
    """What the rule reads of the operation in progress (`operations.base.Context`; no import of the
    operations, which call this)."""

    @property
    def operation(self) -> str: ...
    @property
    def command(self) -> Any: ...
    @property
    def actor(self) -> Actor: ...


def enforce(ctx: AuthorityContext, target: Any) -> Verdict | None:
    """None or an APPLY/HOLD verdict when the actor may go on; raises `NotAuthorized` otherwise."""
    actor = ctx.actor
    if actor.is_privileged:
        return None
    if isinstance(actor.proof, MailProof):
        verdict = decide_mail(ctx.operation, ctx.command, target, actor.proof)
    elif actor.role == Role.REGISTRANT and ctx.operation not in OPEN_TO_ANYONE:
        verdict = Verdict(Decision.REFUSE, reasons=(reason(AuthorityCode.NO_PROOF),))
    else:
        return None  # registrar actors: sponsorship, checked where the operation loads the object
    if verdict.decision in (Decision.APPLY, Decision.HOLD):
        return verdict
    raise NotAuthorized(verdict)


def confirmers(operation: str, target: Any) -> list[Contact]:
    """The contacts on record whose confirmation stands for the request (T10; T13: the administrative
    contact alone)."""
    if operation == "contact_modify" and isinstance(target, Contact):
        return [target]
    if isinstance(target, Domain):
        if operation == "domain_transfer":
            return [target.admin_contact]
        if operation in ("domain_modify", "domain_delete"):
            return [target.registrant, target.admin_contact]
    return []


def decide_mail(operation: str, command: Any, target: Any, proof: MailProof) -> Verdict:
    """What an e-mailed request may do (T9–T13)."""
    if operation in OPEN_TO_ANYONE:
        return Verdict(Decision.APPLY, "registration")
    confirmed = next((c for c in confirmers(operation, target) if c.handle == proof.confirmed_by), None)
    if proof.confirmed_by and confirmed is not None:
        return Verdict(Decision.APPLY, "confirmed", confirmed)
    if operation in ("domain_modify", "domain_delete") and isinstance(target, Domain):
        on_record = [target.registrant, target.admin_contact]
        check = satisfies(on_record, proof)
        if not check.ok and operation == "domain_delete":
            isp = satisfies(serving_isp_contacts(target), proof)
            if isp.ok:
                return Verdict(Decision.HOLD, isp.how, isp.contact, signature_used=isp.signature_used)
        refused = check.locked and not check.ask
        return Verdict.of(check, Decision.REFUSE if refused else Decision.CONFIRM, on_record)
    if operation == "domain_transfer" and isinstance(target, Domain):
        if proof.written:
            return Verdict(Decision.APPLY, proof.written, target.admin_contact)
        check = satisfies_transfer(target.admin_contact, proof)
        return Verdict.of(check, Decision.CONFIRM if check.ask else Decision.REFUSE)
    if operation == "contact_modify" and isinstance(target, Contact):
        check = satisfies([target], proof)
        refused = check.locked and not check.ask
        return Verdict.of(check, Decision.REFUSE if refused else Decision.CONFIRM, [target])
    if operation in ("host_create", "host_modify", "host_delete"):
        name = target.name if target is not None else getattr(command, "name", "")
        authorities = host_authorities(name)
        if not authorities and operation == "host_create":
            return Verdict(Decision.APPLY, "new external host")
        return Verdict.of(satisfies(authorities, proof), Decision.REFUSE)  # a host has no confirmation
    return Verdict(Decision.REFUSE, reasons=(reason(AuthorityCode.NOT_BY_MAIL),))


def _parent_domain(host_name: str) -> Domain | None:
    """The live domain registered here that a host name lies in."""
    labels = host_name.lower().rstrip(".").split(".")
    for i in range(1, len(labels) - 1):
        parent = Domain.objects.filter(name=".".join(labels[i:]), deleted_at__isnull=True).first()
        if parent is not None:
            return parent
    return None


def host_authorities(name: str) -> list[Contact]:
    """Who may change host `name`: the administrative and technical contacts of the domain it lives in
    when that domain is registered here, otherwise those of the domains using it."""
    names = normalize_host_name(name)
    if not isinstance(names, tuple):
        return []
    parent = _parent_domain(names[0])
    if parent is not None:
        return [parent.admin_contact, parent.tech_contact]
    using = Domain.objects.filter(nameserver_links__host__name=names[0], deleted_at__isnull=True)
    return [
        contact
        for d in using.select_related("admin_contact", "tech_contact")
        for contact in (d.admin_contact, d.tech_contact)
    ]


def serving_isp_contacts(domain: Domain) -> list[Contact | None]:
    """T12: the ISP that provides the domain's name service: the domain's technical contact and the
    technical contact of the domain (registered here) its primary name server lives in."""
    link = DomainNameServer.objects.filter(domain=domain).select_related("host").order_by("position").first()
    parent = _parent_domain(link.host.name) if link is not None else None
    return [domain.tech_contact, parent.tech_contact if parent is not None else None]
