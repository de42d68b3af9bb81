"""`<domain:delete>` and `<domain:renew>` (RFC 5731 §3.2.2, §3.2.3).

A registrar's delete is the registry's: the domain enters its redemption period (RFC 3915) and the
answer carries `<rgp:upData>` with `redemptionPeriod`. A renew names the expiry date the client
believes current (`curExpDate`); another date is refused (2306) so a retried renew never adds years twice.
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.epp import namespaces
from kzreg.epp.commands import lookups
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.domain_parts import parse_period
from kzreg.epp.commands.elements import element_or, epp_date, find, own_text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.dispatch import handles
from kzreg.epp.extensions import fee, rgp
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import DeleteDomain, RenewDomain
from kzreg.registry.operations import delete_domain, renew_domain

DOMAIN = namespaces.DOMAIN


@handles("delete", DOMAIN)
def delete(request: Request) -> Response:
    name_element = find(request.object, DOMAIN, "name")
    fields = Fields(name_element)
    try:
        result = delete_domain(DeleteDomain(own_text(name_element), reason="deleted over EPP"), request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    status = result.object.rgp_status
    return Response.ok(extensions=[rgp.status_element("upData", status)] if status else [])


@handles("renew", DOMAIN)
def renew(request: Request) -> Response:
    obj = request.object
    name_element = find(obj, DOMAIN, "name")
    name = own_text(name_element)
    fields = Fields(name_element)
    current = find(obj, DOMAIN, "curExpDate")
    fields.add("cur_exp_date", element_or(current, DOMAIN, "curExpDate"))
    years, problems = parse_period(obj, name, fields, "years")
    try:
        domain = lookups.live_domain(name)
    except OperationFailed as failure:
        return fields.failed(failure)
    expected = domain.expires_at.date().isoformat()
    given = own_text(current)
    sponsor = domain.registrar_id == request.session.registrar_id
    if sponsor and given != expected:  # another registrar learns nothing from the date: the registry refuses it
        problems.append(Problem("cur_exp_date", EppCommandCode.CUR_EXP_DATE, {"expected": expected, "given": given}))
    try:
        agreed = fee.agreement(request, fields)
    except OperationFailed as failure:
        problems += failure.problems
    if problems:
        return fields.failed(problems)
    try:
        result = renew_domain(RenewDomain(name, years, fee_agreed=agreed), request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    data = E(DOMAIN, "renData")
    sub(data, DOMAIN, "name", result.object.name)
    sub(data, DOMAIN, "exDate", epp_date(result.object.expires_at))
    return Response.ok(res_data=data, extensions=fee.answer(request, "renew", years, result))
