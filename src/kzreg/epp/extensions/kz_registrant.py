"""kz-1.0 registrant change (R14): `<domain:transfer op="request">` with `<kz:registrantChange>`.

A new registrant taking a domain is a transfer at the registry (`transfer_domain`), never an update:
`<domain:update>` refuses `<domain:chg><domain:registrant>` (2306) and names this command. Only the
sponsoring registrar may ask (the registry's rule, `load_live_domain`); no authorization code is needed
and the registrar stays the same. The answer is 1000 with `<kz:rcData>`: the domain, its new registrant
and when it changed.

    <transfer op="request">
      <domain:transfer><domain:name>example.kz</domain:name></domain:transfer>
    </transfer>
    <extension>
      <kz:registrantChange><kz:registrant>NEW-HANDLE</kz:registrant></kz:registrantChange>
    </extension>
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.epp import namespaces
from kzreg.epp.commands.elements import Element, epp_date, find, own_text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import TransferDomain
from kzreg.registry.operations import transfer_domain

KZ = namespaces.KZ
DOMAIN = namespaces.DOMAIN
AUTHORIZATION = "sponsoring registrar over EPP"


def request_element(extension: Element | None) -> Element | None:
    """The `<kz:registrantChange>` of a transfer request (the kz child of its `<extension>`), if any."""
    return extension if extension is not None and extension.tag == f"{{{KZ}}}registrantChange" else None


def registrant_change(request: Request, name: str, element: Element, fields: Fields) -> Response:
    """Applies the registrant change asked by `element` to domain `name`."""
    registrant_element = find(element, KZ, "registrant")
    fields.add("registrant", registrant_element if registrant_element is not None else element)
    registrant = own_text(registrant_element)
    if not registrant:
        return fields.failed([Problem("registrant", Code.REQUIRED)])
    command = TransferDomain(name, registrant=registrant, authorization=AUTHORIZATION)
    try:
        domain = transfer_domain(command, request.actor()).object
    except OperationFailed as failure:
        return fields.failed(failure)
    data = E(KZ, "rcData")
    sub(data, KZ, "name", domain.name)
    sub(data, KZ, "registrant", domain.registrant.handle)
    sub(data, KZ, "date", epp_date(domain.updated_at))
    return Response.ok(extensions=[data])
