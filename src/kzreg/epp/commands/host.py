"""RFC 5732 host commands over the registry's host operations (R11; the subordinate-host rules, 2303
and 2305, are the registry's).

`<host:update>` changes addresses by difference (add/rem); the registry replaces the list whole, so the
handler reads the host, applies the difference and hands over the new list. A non-sponsor's update goes
straight to the registry, which refuses it.
"""

from __future__ import annotations

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.epp import namespaces
from kzreg.epp.commands import lookups
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.elements import Element, epp_date, find, find_all, own_text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.commands.reasons import short_reason
from kzreg.epp.dispatch import handles
from kzreg.epp.protocol import Request, Response
from kzreg.epp.xml import E, sub
from kzreg.registry.commands import CreateHost, DeleteHost, ModifyHost
from kzreg.registry.models import Host
from kzreg.registry.operations import create_host, delete_host, modify_host
from kzreg.registry.policy import canonical_ip, normalize_host_name
from kzreg.registry.reads import objects

HOST = namespaces.HOST
REGISTRY_ID = "KZ-REGISTRY"


def _name_fields(request: Request) -> tuple[str, Fields]:
    element = find(request.object, HOST, "name")
    fields = Fields(element)
    fields.add("name", element)
    return own_text(element), fields


def _addresses(parent: Element | None, fields: Fields, path: str) -> list[str]:
    elements = find_all(parent, HOST, "addr")
    for i, element in enumerate(elements):
        fields.add(f"{path}[{i}]", element)
    if elements:
        fields.add(path, elements[0])
    return [own_text(el) for el in elements]


@handles("check", HOST)
def check(request: Request) -> Response:
    names = [own_text(el) for el in find_all(request.object, HOST, "name")]
    lang = request.session.lang
    data = E(HOST, "chkData")
    for result in objects.check_hosts(names):
        cd = sub(data, HOST, "cd")
        sub(cd, HOST, "name", result.asked, avail="1" if result.available else "0")
        if not result.available:
            sub(cd, HOST, "reason", short_reason(result.reason_code, lang), lang=lang)
    return Response.ok(res_data=data)


def info_data(view: objects.HostInfo, roid: str) -> Element:
    data = E(HOST, "infData")
    sub(data, HOST, "name", view.name)
    sub(data, HOST, "roid", roid)
    for word in view.statuses:
        sub(data, HOST, "status", s=word)
    for address in view.addresses:
        sub(data, HOST, "addr", address, ip="v6" if ":" in address else "v4")
    sponsor = view.registrar or REGISTRY_ID
    sub(data, HOST, "clID", sponsor)
    sub(data, HOST, "crID", sponsor)
    sub(data, HOST, "crDate", epp_date(view.created_at))
    if view.updated_at != view.created_at:
        sub(data, HOST, "upDate", epp_date(view.updated_at))
    return data


def _load(name: str) -> Host:
    names = normalize_host_name(name)
    if isinstance(names, Problem):
        raise OperationFailed([names])
    host = lookups.host_by_name(names[0])
    if host is None:
        raise OperationFailed([Problem("name", Code.NOT_FOUND, {"kind": "host", "key": names[1]})])
    return host


@handles("info", HOST)
def info(request: Request) -> Response:
    name, fields = _name_fields(request)
    try:
        view = objects.host_info(name)
    except OperationFailed as failure:
        return fields.failed(failure)
    return Response.ok(res_data=info_data(view, lookups.roid("H", view.name)))


@handles("create", HOST)
def create(request: Request) -> Response:
    name, fields = _name_fields(request)
    addresses = _addresses(request.object, fields, "addresses")
    try:
        result = create_host(CreateHost(name, tuple(addresses)), request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    data = E(HOST, "creData")
    sub(data, HOST, "name", result.object.name)
    sub(data, HOST, "crDate", epp_date(result.object.created_at))
    return Response.ok(res_data=data)


@handles("update", HOST)
def update(request: Request) -> Response:
    name, fields = _name_fields(request)
    obj = request.object
    add, rem, chg = find(obj, HOST, "add"), find(obj, HOST, "rem"), find(obj, HOST, "chg")
    try:
        host = _load(name)
        if host.registrar_id != request.session.registrar_id:  # the registry refuses, as for every change
            modify_host(ModifyHost(name), request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    problems: list[Problem] = []
    added, removed = _addresses(add, fields, "add.addr"), _addresses(rem, fields, "rem.addr")
    addresses = None
    if added or removed:
        current = list(host.addresses)
        for i, address in enumerate(removed):
            match = next((a for a in current if canonical_ip(a) == canonical_ip(address)), None)
            if match is None:
                problems.append(Problem(f"rem.addr[{i}]", EppCommandCode.NOT_ON_OBJECT, {"value": address}))
            else:
                current.remove(match)
        for i, address in enumerate(added):
            if any(canonical_ip(a) == canonical_ip(address) for a in current):
                problems.append(Problem(f"add.addr[{i}]", EppCommandCode.ALREADY_ON_OBJECT, {"value": address}))
        addresses = (*current, *added)
        fields.add("addresses", (find_all(add, HOST, "addr") or find_all(rem, HOST, "addr"))[0])
    new_name = find(chg, HOST, "name")
    fields.add("new_name", new_name)
    if problems:
        return fields.failed(problems)
    command = ModifyHost(
        name=name,
        new_name=own_text(new_name) if new_name is not None else None,
        addresses=addresses,
        add_statuses=fields.statuses(add, HOST, "add_statuses"),
        remove_statuses=fields.statuses(rem, HOST, "remove_statuses"),
    )
    try:
        modify_host(command, request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    return Response.ok()


@handles("delete", HOST)
def delete(request: Request) -> Response:
    name, fields = _name_fields(request)
    try:
        delete_host(DeleteHost(name), request.actor())
    except OperationFailed as failure:
        return fields.failed(failure)
    return Response.ok()
