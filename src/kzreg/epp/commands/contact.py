"""RFC 5733 contact commands over the registry's contact operations (SPEC E2: the registrar's own
objects, with ids it chooses; R7's matching stays the mail channel's).

Personal data (C4, R18): `<contact:info>` answers the sponsor, and another registrar only with the
contact's authorization code (2201 otherwise); the code itself only to the sponsor.
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.epp import namespaces
from kzreg.epp.commands import lookups
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.contact_mapping import contact_data, disclose_flag, postal_changes, postal_info, postal_type
from kzreg.epp.commands.domain_transfer import trn_data
from kzreg.epp.commands.elements import Element, epp_date, find, find_all, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.commands.reasons import short_reason
from kzreg.epp.dispatch import handles
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import (
    CreateContact,
    DecideContactTransfer,
    DeleteContact,
    ModifyContact,
    RequestContactTransfer,
)
from kzreg.registry.operations import (
    contact_transfer_status,
    create_contact,
    decide_contact_transfer,
    delete_contact,
    modify_contact,
    request_contact_transfer,
)
from kzreg.registry.operations.transfer_rules import transfer_data
from kzreg.registry.reads import objects

CONTACT = namespaces.CONTACT
TRANSFER_OPS = ("query", "request", "approve", "reject", "cancel")
REGISTRY_ID = "KZ-REGISTRY"  # clID of the registry's own contacts (made by mail or staff)


def _id_fields(request: Request) -> tuple[str, Fields]:
    element = find(request.object, CONTACT, "id")
    fields = Fields(element)
    for path in ("id", "handle"):
        fields.add(path, element)
    return own_text(element), fields


def _auth(parent: Element | None, fields: Fields) -> str | None:
    auth = find(parent, CONTACT, "authInfo")
    fields.add("auth_code", auth)
    return None if auth is None else text(auth, CONTACT, "pw") or ""


@handles("check", CONTACT)
def check(request: Request) -> Response:
    ids = [own_text(el) for el in find_all(request.object, CONTACT, "id")]
    lang = request.session.lang
    data = E(CONTACT, "chkData")
    for result in objects.check_contacts(ids):
        cd = sub(data, CONTACT, "cd")
        sub(cd, CONTACT, "id", result.asked, avail="1" if result.available else "0")
        if not result.available:
            sub(cd, CONTACT, "reason", short_reason(result.reason_code, lang), lang=lang)
    return Response.ok(res_data=data)


def info_data(view: objects.ContactInfo, roid: str, show_auth: bool) -> Element:
    """The code only to the sponsor: another registrar that proved it knows the code is not told it back."""
    data = E(CONTACT, "infData")
    sub(data, CONTACT, "id", view.handle)
    sub(data, CONTACT, "roid", roid)
    for word in view.statuses:
        sub(data, CONTACT, "status", s=word)
    kind = postal_type(view)
    info = sub(data, CONTACT, "postalInfo", type=kind)
    sub(info, CONTACT, "name", view.name)
    if view.organisation:
        sub(info, CONTACT, "org", view.organisation)
    addr = sub(info, CONTACT, "addr")
    sub(addr, CONTACT, "street", view.address)
    sub(addr, CONTACT, "city", view.city)
    if view.region:
        sub(addr, CONTACT, "sp", view.region)
    if view.postal_code:
        sub(addr, CONTACT, "pc", view.postal_code)
    sub(addr, CONTACT, "cc", view.country_code)
    if view.phones:
        sub(data, CONTACT, "voice", view.phones[0])
    if view.faxes:
        sub(data, CONTACT, "fax", view.faxes[0])
    sub(data, CONTACT, "email", view.emails[0] if view.emails else "")
    sponsor = view.registrar or REGISTRY_ID
    sub(data, CONTACT, "clID", sponsor)
    sub(data, CONTACT, "crID", sponsor)
    sub(data, CONTACT, "crDate", epp_date(view.created_at))
    if view.updated_at != view.created_at:
        sub(data, CONTACT, "upDate", epp_date(view.updated_at))
    if view.transferred_at is not None:
        sub(data, CONTACT, "trDate", epp_date(view.transferred_at))
    if view.auth_code and show_auth:
        sub(sub(data, CONTACT, "authInfo"), CONTACT, "pw", view.auth_code)
    disclose = sub(data, CONTACT, "disclose", flag="1" if view.disclose else "0")
    for tag in ("name", "org", "addr"):
        sub(disclose, CONTACT, tag, type=kind)
    sub(disclose, CONTACT, "voice")
    sub(disclose, CONTACT, "email")
    return data


@handles("info", CONTACT)
def info(request: Request) -> Response:
    """Personal data (C4, R18) for the sponsor, or another registrar that gives the contact's code: the
    registry decides (`full`). Without it there is no infData to give (postalInfo and email are required
    by RFC 5733's schema), so the answer is 2201, or 2202 for a wrong code."""
    contact_id, fields = _id_fields(request)
    given = _auth(request.object, fields)
    try:
        view = objects.contact_info(contact_id, request.actor(), given)
        if not view.full:
            code = Code.NOT_SPONSOR if given is None else Code.AUTH_CODE_INVALID
            raise OperationFailed(
                [Problem("id" if given is None else "auth_code", code, {"kind": "contact", "key": view.handle})]
            )
    except OperationFailed as failure:
        return fields.failed(failure)
    sponsor = view.registrar == request.session.registrar_handle
    return Response.ok(res_data=info_data(view, lookups.roid("C", view.handle), show_auth=sponsor))


@handles("create", CONTACT)
def create(request: Request) -> Response:
    contact_id, fields = _id_fields(request)
    data = contact_data(contact_id, request.object, fields)
    command = CreateContact(data=data, handle=contact_id, auth_code=_auth(request.object, fields))
    try:
        result = create_contact(command, request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    answer = E(CONTACT, "creData")
    sub(answer, CONTACT, "id", result.object.handle)
    sub(answer, CONTACT, "crDate", epp_date(result.object.created_at))
    return Response.ok(res_data=answer)


@handles("update", CONTACT)
def update(request: Request) -> Response:
    contact_id, fields = _id_fields(request)
    obj = request.object
    change = find(obj, CONTACT, "chg")
    changes: dict[str, object] = {}
    info = postal_info(change)
    if info is not None:
        changes.update(postal_changes(info, fields))
    for path, tag in (("phones", "voice"), ("faxes", "fax"), ("emails", "email")):
        element = find(change, CONTACT, tag)
        if element is not None:
            fields.add(path, element)
            changes[path] = (own_text(element),) if own_text(element) else ()
    disclose = disclose_flag(change, fields)
    if disclose is not None:
        changes["disclose"] = disclose
    command = ModifyContact(
        handle=contact_id,
        changes=changes,
        auth_code=_auth(change, fields),
        add_statuses=fields.statuses(find(obj, CONTACT, "add"), CONTACT, "add_statuses"),
        remove_statuses=fields.statuses(find(obj, CONTACT, "rem"), CONTACT, "remove_statuses"),
    )
    try:
        modify_contact(command, request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    return Response.ok()


@handles("delete", CONTACT)
def delete(request: Request) -> Response:
    contact_id, fields = _id_fields(request)
    try:
        delete_contact(DeleteContact(contact_id), request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    return Response.ok()


@handles("transfer", CONTACT)
def transfer(request: Request) -> Response:
    """RFC 5733 §3.2.4: another registrar takes the contact with its authorization code; the sponsor
    approves or rejects within the pending period (the registry's contact transfer)."""
    contact_id, fields = _id_fields(request)
    op = request.op or ""
    try:
        if op not in TRANSFER_OPS:
            raise OperationFailed(
                [Problem("op", EppCommandCode.VALUE_SYNTAX, {"value": op, "expected": ", ".join(TRANSFER_OPS)})]
            )
        if op == "query":
            record = contact_transfer_status(contact_id, request.actor())
        elif op == "request":
            given = _auth(request.object, fields)
            record = request_contact_transfer(RequestContactTransfer(contact_id, given or ""), request.actor()).object
        else:
            record = decide_contact_transfer(DecideContactTransfer(contact_id, op), request.actor()).object
    except OperationFailed as failure:
        return fields.failed(failure)
    data = trn_data(CONTACT, "id", record.contact.handle, transfer_data(record))
    return Response.ok(1001 if op == "request" and record.pending else 1000, res_data=data)
