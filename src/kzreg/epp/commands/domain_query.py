"""`<domain:check>` and `<domain:info>` (RFC 5731 §3.1): reads, no change.

A check applies the same zone policy as every other channel (R3: IDN names as A-labels, the length
rule, reserved and blocked names) and asks for every name in one query; the reason of an unavailable
name comes in the session's language.
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.epp import namespaces
from kzreg.epp.commands import lookups
from kzreg.epp.commands.domain_view import HOSTS_CHOICES, info_data
from kzreg.epp.commands.elements import find, find_all, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.commands.reasons import short_reason
from kzreg.epp.dispatch import handles
from kzreg.epp.extensions import fee, kz, rgp, secdns
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry.policy import check_reservation, parse_domain_name
from kzreg.registry.zones import zone_policies

DOMAIN = namespaces.DOMAIN


def availability(raw_names: list[str]) -> list[tuple[str, Problem | None]]:
    """Each name as the client wrote it, with the problem that makes it unavailable (None: available)."""
    zones = zone_policies()
    verdicts: list[tuple[str, Problem | None, str | None]] = []
    for raw in raw_names:
        parsed, problems = parse_domain_name(raw, zones, "name")
        if parsed is not None:
            problems = check_reservation(parsed, privileged=False)
        verdicts.append((raw, problems[0] if problems else None, parsed.name if parsed else None))
    taken = lookups.taken_names(name for _, problem, name in verdicts if problem is None and name)
    out = []
    for raw, problem, name in verdicts:
        if problem is None and name in taken:
            problem = Problem("name", Code.ALREADY_REGISTERED, {"name": name})
        out.append((raw, problem))
    return out


@handles("check", DOMAIN)
def check(request: Request) -> Response:
    raw_names = [own_text(el) for el in find_all(request.object, DOMAIN, "name")]
    verdicts = availability(raw_names)
    data = E(DOMAIN, "chkData")
    for raw, problem in verdicts:
        cd = sub(data, DOMAIN, "cd")
        sub(cd, DOMAIN, "name", raw, avail="0" if problem else "1")
        if problem is not None:
            sub(cd, DOMAIN, "reason", short_reason(problem, request.session.lang), lang=request.session.lang)
    fee_check = request.extensions.get(namespaces.FEE)
    extensions = [] if fee_check is None else [fee.check_data(fee_check, raw_names, request.session)]
    return Response.ok(res_data=data, extensions=extensions)


@handles("info", DOMAIN)
def info(request: Request) -> Response:
    name_element = find(request.object, DOMAIN, "name")
    fields = Fields(name_element)
    hosts = (name_element.get("hosts") if name_element is not None else None) or "all"
    given_code = text(find(request.object, DOMAIN, "authInfo"), DOMAIN, "pw")
    fields.add("auth_info", find(request.object, DOMAIN, "authInfo"))
    try:
        if hosts not in HOSTS_CHOICES:
            raise OperationFailed(
                [Problem("name", Code.INVALID_CHOICE, {"value": hosts, "choices": ", ".join(HOSTS_CHOICES)})]
            )
        domain = lookups.live_domain(own_text(name_element))
        sponsor = domain.registrar_id == request.session.registrar_id
        if given_code is not None and not sponsor and not lookups.code_matches(given_code, domain.auth_code):
            raise OperationFailed(
                [Problem("auth_info", Code.AUTH_CODE_INVALID, {"kind": "domain", "key": domain.name})]
            )
    except OperationFailed as failure:
        return fields.failed(failure)
    extensions = [kz.info_data(domain.location_address, domain.location_city, domain.location_region, domain.purpose)]
    ds = secdns.info_data(domain.ds_records)
    if ds is not None:
        extensions.insert(0, ds)
    grace = rgp.info_data(domain)
    if grace is not None:
        extensions.append(grace)
    return Response.ok(
        res_data=info_data(domain, hosts, show_auth=sponsor or given_code is not None), extensions=extensions
    )
