"""`<domain:update>` (RFC 5731 §3.2.5) with secDNS, kz and RGP restore: one `modify_domain` (or
`restore_domain`).

EPP changes by difference (add/rem) what the registry replaces whole (T7: the name-server list, each
contact role, the DS set): the handler reads the domain, applies add and rem to what it has, and hands
the registry the new whole. The registry loads the domain again under its lock and decides everything
(sponsor, statuses, glue, R11); a non-sponsor's update goes straight to the registry, which refuses it.

`<domain:chg><domain:registrant>` goes to the registry as it is: the registry refuses another registrant
(R14, for every channel; 2306), since moving a domain to another registrant is a transfer
(`<kz:registrantChange>`, or the KazNIC Transfer forms by mail, T13). hostObj names host objects
(`hosts_must_exist`): the registry refuses one that is not (2303).
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.epp import namespaces
from kzreg.epp.commands import lookups
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.domain_parts import ROLES, auth_code, contact_roles, parse_nameservers
from kzreg.epp.commands.elements import Element, find, own_text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.dispatch import handles
from kzreg.epp.extensions import fee, kz, rgp, secdns
from kzreg.epp.protocol import Request, Response
from kzreg.registry.commands import ModifyDomain, NameServer, RestoreDomain
from kzreg.registry.models import Domain
from kzreg.registry.operations import modify_domain, restore_domain

DOMAIN = namespaces.DOMAIN


def _nameservers(
    domain: Domain, add: Element | None, rem: Element | None, fields: Fields
) -> tuple[list[NameServer] | None, list[Problem]]:
    """The full list after rem then add, or None when neither names a server."""
    add_ns, rem_ns = find(add, DOMAIN, "ns"), find(rem, DOMAIN, "ns")
    if add_ns is None and rem_ns is None:
        return None, []
    current = list(domain.nameserver_links.order_by("position").values_list("host__name", flat=True))
    problems: list[Problem] = []
    removed = [el for el in (rem_ns if rem_ns is not None else []) if isinstance(el.tag, str)]
    for i, element in enumerate(removed):  # a hostObj, or a hostAttr's hostName
        name_element = find(element, DOMAIN, "hostName") if element.tag.endswith("}hostAttr") else element
        name = own_text(name_element).lower().rstrip(".")
        fields.add(f"rem.ns[{i}]", element)
        if name in current:
            current.remove(name)
        else:
            problems.append(Problem(f"rem.ns[{i}]", EppCommandCode.NOT_ON_OBJECT, {"value": name}))
    kept = [NameServer(name) for name in current]
    added = parse_nameservers(add_ns, fields, offset=len(kept))
    for i, server in enumerate(added, start=len(kept)):
        if server.name.strip().lower().rstrip(".") in current:
            problems.append(Problem(f"nameservers[{i}]", EppCommandCode.ALREADY_ON_OBJECT, {"value": server.name}))
    return kept + added, problems


def _roles(
    domain: Domain, add: Element | None, rem: Element | None, fields: Fields
) -> tuple[dict[str, str], list[Problem]]:
    """The roles to change: each added contact replaces its role's; a removed one must be the role's
    current contact and be replaced in the same update."""
    added = contact_roles(add, fields)
    removed = contact_roles(rem, fields, prefix="rem.")
    current = {
        "admin": domain.admin_contact.handle,
        "tech": domain.tech_contact.handle,
        "billing": domain.billing_contact.handle,
    }
    problems = []
    for role, handle in removed.items():
        if handle.upper() != current[role]:
            problems.append(Problem(f"rem.{role}", EppCommandCode.NOT_ON_OBJECT, {"value": handle}))
        elif role not in added:
            problems.append(Problem(f"rem.{role}", EppCommandCode.ROLE_LEFT_EMPTY, {"role": role}))
    for role, handle in added.items():
        if handle.upper() == current[role] and role not in removed:
            problems.append(Problem(role, EppCommandCode.ALREADY_ON_OBJECT, {"value": handle}))
    return {role: added[role] for role in ROLES if role in added}, problems


def _restore(request: Request, name: str, restore: rgp.Restore, fields: Fields) -> Response:
    if restore.op not in rgp.OPS:
        return fields.failed(
            [Problem("restore", EppCommandCode.VALUE_SYNTAX, {"value": restore.op, "expected": "request, report"})]
        )
    try:
        agreed = fee.agreement(request, fields) if restore.op == "request" else None
        result = restore_domain(RestoreDomain(name, restore.report, fee_agreed=agreed), request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    status = result.object.rgp_status  # pendingRestore after the request; none once the report restored it
    rgp_answer = [rgp.status_element("upData", status)] if status else []
    fees = fee.answer(request, "restore", None, result) if restore.op == "request" else []
    return Response.ok(extensions=[*rgp_answer, *fees])


@handles("update", DOMAIN)
def update(request: Request) -> Response:
    obj = request.object
    name_element = find(obj, DOMAIN, "name")
    name = own_text(name_element)
    fields = Fields(name_element)
    fields.add("name", name_element)
    restore = rgp.parse_update(request.extensions.get(namespaces.RGP), fields)
    if restore is not None:
        return _restore(request, name, restore, fields)
    try:
        domain = lookups.live_domain(name)
    except OperationFailed as failure:
        return fields.failed(failure)
    if domain.registrar_id != request.session.registrar_id:  # the registry refuses, as for every change
        try:
            modify_domain(ModifyDomain(name=name), request.actor())
        except OperationFailed as failure:
            return fields.failed(failure)
    add, rem, chg = find(obj, DOMAIN, "add"), find(obj, DOMAIN, "rem"), find(obj, DOMAIN, "chg")
    nameservers, problems = _nameservers(domain, add, rem, fields)
    roles, role_problems = _roles(domain, add, rem, fields)
    problems += role_problems
    registrant = find(chg, DOMAIN, "registrant")
    fields.add("registrant", registrant)
    secdns_update = request.extensions.get(namespaces.SECDNS)
    ds_records = None
    if secdns_update is not None:
        ds = secdns.apply_update(secdns_update, domain.name, list(domain.ds_records), fields)
        problems += ds.problems
        ds_records = tuple(ds.records)
    kz_update = request.extensions.get(namespaces.KZ)
    location = kz.parse_location(kz_update, fields)
    purpose = kz.parse_purpose(kz_update, fields)
    if problems:
        return fields.failed(problems)
    command = ModifyDomain(
        name=name,
        admin=roles.get("admin"),
        tech=roles.get("tech"),
        billing=roles.get("billing"),
        nameservers=tuple(nameservers) if nameservers is not None else None,
        location=location,
        purpose=purpose,
        ds_records=ds_records,
        auth_code=auth_code(chg, fields),
        add_statuses=fields.statuses(add, DOMAIN, "add_statuses"),
        remove_statuses=fields.statuses(rem, DOMAIN, "remove_statuses"),
        registrant=own_text(registrant) if registrant is not None else None,
        hosts_must_exist=True,
    )
    try:
        modify_domain(command, request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    return Response.ok()
