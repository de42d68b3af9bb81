"""`<domain:check>` and `<domain:info>` (RFC 5731 §3.1): reads, no change.

Both read through the registry's typed read API (`registry.reads.objects`): a check applies the same
zone policy as every other channel (R3: IDN names as A-labels, the length rule, reserved and blocked
names) in one query; info shows the statuses and the authorization code as the registry decides (the
sponsor, or a client that gives the right code; a wrong code is 2202).
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.epp import namespaces
from kzreg.epp.commands.domain_view import HOSTS_CHOICES, info_data
from kzreg.epp.commands.elements import find, find_all, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.commands.reasons import short_reason
from kzreg.epp.dispatch import handles
from kzreg.epp.extensions import fee, kz, rgp, secdns
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry.reads import objects

DOMAIN = namespaces.DOMAIN


@handles("check", DOMAIN)
def check(request: Request) -> Response:
    raw_names = [own_text(el) for el in find_all(request.object, DOMAIN, "name")]
    lang = request.session.lang
    data = E(DOMAIN, "chkData")
    for result in objects.check_domains(raw_names, request.actor()):
        cd = sub(data, DOMAIN, "cd")
        sub(cd, DOMAIN, "name", result.asked, avail="1" if result.available else "0")
        if not result.available:
            sub(cd, DOMAIN, "reason", short_reason(result.reason_code, lang), lang=lang)
    fee_check = request.extensions.get(namespaces.FEE)
    extensions = [] if fee_check is None else [fee.check_data(fee_check, raw_names, request.session)]
    return Response.ok(res_data=data, extensions=extensions)


@handles("info", DOMAIN)
def info(request: Request) -> Response:
    name_element = find(request.object, DOMAIN, "name")
    fields = Fields(name_element)
    hosts = (name_element.get("hosts") if name_element is not None else None) or "all"
    auth = find(request.object, DOMAIN, "authInfo")
    fields.add("auth_info", auth)
    given = text(auth, DOMAIN, "pw") if auth is not None else None
    try:
        if hosts not in HOSTS_CHOICES:
            choices = ", ".join(HOSTS_CHOICES)
            raise OperationFailed([Problem("name", Code.INVALID_CHOICE, {"value": hosts, "choices": choices})])
        view = objects.domain_info(own_text(name_element), request.actor(), given)
        if given is not None and view.auth_code is None:  # a code was offered, and it is not the domain's
            raise OperationFailed([Problem("auth_info", Code.AUTH_CODE_INVALID, {"kind": "domain", "key": view.name})])
    except OperationFailed as failure:
        return fields.failed(failure)
    location = view.location
    extensions = [kz.info_data(location["address"], location["city"], location["region"], view.purpose)]
    ds = secdns.info_data(view.ds_records)
    if ds is not None:
        extensions.insert(0, ds)
    extensions += [rgp.status_element("infData", status) for status in view.rgp_statuses[:1]]
    data = info_data(view, f"D{view.id}-KZ", hosts)  # the roid from the info's own row: no query of its own
    return Response.ok(res_data=data, extensions=extensions)
