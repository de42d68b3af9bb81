"""`<domain:transfer>` (RFC 5731 §3.1.3, §3.2.4): query, request, approve, reject, cancel.

The registry keeps the transfer and its rules (`registrar_transfer`): the gaining registrar asks with
the domain's authorization code, the losing one decides within the pending period, both are told by
poll message. Every answer is `<domain:trnData>` (1001 for a new pending request).

A request carrying `<kz:registrantChange>` is not a registrar transfer but a registrant change by the
sponsor (R14): `extensions.kz_registrant` answers it.
"""

from __future__ import annotations

import datetime as dt

from kzreg.core.errors import OperationFailed, Problem
from kzreg.epp import namespaces
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.domain_parts import auth_code, parse_period
from kzreg.epp.commands.elements import Element, epp_date, find, own_text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.dispatch import handles
from kzreg.epp.extensions import fee, kz_registrant
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import DecideTransfer, RequestTransfer
from kzreg.registry.models import DomainTransfer
from kzreg.registry.operations.registrar_transfer import decide_transfer, request_transfer, transfer_status
from kzreg.registry.operations.transfer_rules import transfer_data

DOMAIN = namespaces.DOMAIN
OPS = ("query", "request", "approve", "reject", "cancel")


def _date(value: str) -> str:
    return epp_date(dt.datetime.fromisoformat(value))


def trn_data(namespace: str, key_tag: str, key: str, data: dict) -> Element:
    """`<domain:trnData>` (or contact's) from the registry's transfer data (`transfer_data`)."""
    element = E(namespace, "trnData")
    sub(element, namespace, key_tag, key)
    sub(element, namespace, "trStatus", str(data["trStatus"]))
    sub(element, namespace, "reID", str(data["reID"]))
    sub(element, namespace, "reDate", _date(str(data["reDate"])))
    sub(element, namespace, "acID", str(data["acID"]))
    sub(element, namespace, "acDate", _date(str(data["acDate"])))
    if data.get("exDate") and namespace == DOMAIN:
        sub(element, namespace, "exDate", _date(str(data["exDate"])))
    return element


def domain_trn_data(transfer: DomainTransfer) -> Element:
    domain = transfer.domain
    extra = {"exDate": domain.expires_at.isoformat()} if not transfer.pending else {}
    return trn_data(DOMAIN, "name", domain.name, transfer_data(transfer, extra))


@handles("transfer", DOMAIN)
def transfer(request: Request) -> Response:
    obj = request.object
    name_element = find(obj, DOMAIN, "name")
    name = own_text(name_element)
    fields = Fields(name_element)
    op = request.op or ""
    change = kz_registrant.request_element(request.extensions.get(namespaces.KZ))
    if change is not None and op == "request":  # a new registrant, not a new registrar (R14, kz-1.0)
        return kz_registrant.registrant_change(request, name, change, fields)
    try:
        if op not in OPS:
            raise OperationFailed(
                [Problem("op", EppCommandCode.VALUE_SYNTAX, {"value": op, "expected": ", ".join(OPS)})]
            )
        fees: list[Element] = []
        if op == "query":
            record = transfer_status(name, request.actor())
        elif op == "request":
            years, problems = parse_period(obj, name, fields, "period")
            try:
                agreed = fee.agreement(request, fields)
            except OperationFailed as failure:
                problems += failure.problems
            if problems:
                raise OperationFailed(problems)
            given = auth_code(obj, fields)
            result = request_transfer(RequestTransfer(name, given or "", years, fee_agreed=agreed), request.actor())
            record = result.object
            fees = fee.answer(request, "transfer", record.period, result)
        else:
            record = decide_transfer(DecideTransfer(name, op), request.actor()).object
    except OperationFailed as failure:
        return fields.failed(failure)
    code = 1001 if op == "request" and record.pending else 1000
    return Response.ok(code, res_data=domain_trn_data(record), extensions=fees)
