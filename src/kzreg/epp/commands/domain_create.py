"""`<domain:create>` (RFC 5731 §3.2.1) with secDNS, kz (required) and fee: one `create_domain`.

Without `<kz:create>` the registry finds no location (R12) and the refusal (2003) names `<kz:create>`.
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed
from kzreg.epp import namespaces
from kzreg.epp.commands.domain_parts import auth_code, contact_roles, parse_nameservers, parse_period
from kzreg.epp.commands.elements import element_or, epp_date, find, own_text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.dispatch import handles
from kzreg.epp.extensions import fee, kz, secdns
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import CreateDomain
from kzreg.registry.operations import create_domain

DOMAIN = namespaces.DOMAIN
KZ = namespaces.KZ


@handles("create", DOMAIN)
def create(request: Request) -> Response:
    obj = request.object
    name_element = find(obj, DOMAIN, "name")
    name = own_text(name_element)
    fields = Fields(name_element)
    fields.add("name", name_element)
    years, problems = parse_period(obj, name, fields, "period")
    nameservers = parse_nameservers(find(obj, DOMAIN, "ns"), fields)
    registrant = find(obj, DOMAIN, "registrant")
    fields.add("registrant", element_or(registrant, DOMAIN, "registrant"))
    roles = contact_roles(obj, fields)
    fields.add("admin", E(DOMAIN, "contact", type="admin"))
    code = auth_code(obj, fields)
    ds = secdns.parse_create(request.extensions.get(namespaces.SECDNS), name, fields)
    problems += ds.problems
    kz_create = request.extensions.get(KZ)
    fields.add("location", kz_create if kz_create is not None else E(KZ, "create"))
    location = kz.parse_location(kz_create, fields)
    purpose = kz.parse_purpose(kz_create, fields)
    try:
        agreed = fee.agreement(request, fields)
    except OperationFailed as failure:
        problems += failure.problems
    if problems:
        return fields.failed(problems)
    command = CreateDomain(
        name=name,
        period=years,
        registrant=own_text(registrant) or None,
        admin=roles.get("admin"),
        tech=roles.get("tech"),
        billing=roles.get("billing"),
        nameservers=tuple(nameservers),
        hosts_must_exist=True,  # hostObj names host objects (RFC 5731); the registry refuses others (2303)
        location=location,
        purpose=purpose or "",
        ds_records=tuple(ds.records),
        auth_code=code or None,  # an empty <domain:pw/>: the registry draws a random code
        fee_agreed=agreed,
    )
    try:
        result = create_domain(command, request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    domain = result.object
    data = E(DOMAIN, "creData")
    sub(data, DOMAIN, "name", domain.name)
    sub(data, DOMAIN, "crDate", epp_date(domain.created_at))
    sub(data, DOMAIN, "exDate", epp_date(domain.expires_at))
    return Response.ok(res_data=data, extensions=fee.answer(request, "create", years, result))
