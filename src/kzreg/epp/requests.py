"""Builders of every EPP object command kzreg answers: the tests, `bench/bench_epp.py` and the registrar
wing's EPP connection write their requests with these, so the XML a registrar sends exists once.

Each builder returns an `EppCommand` (verb, object element, extensions, op); `.frame()` is the whole
`<epp><command>` document to send.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from kzreg.epp import client
from kzreg.epp import namespaces as ns
from kzreg.epp.xml import E, sub

DOMAIN, CONTACT, HOST, SECDNS, RGP, FEE, KZ = ns.DOMAIN, ns.CONTACT, ns.HOST, ns.SECDNS, ns.RGP, ns.FEE, ns.KZ


@dataclass(frozen=True)
class EppCommand:
    verb: str
    object: etree._Element | None
    extensions: tuple[etree._Element, ...] = ()
    op: str | None = None
    verb_attributes: tuple[tuple[str, str], ...] = ()  # <poll op="ack" msgID="…">

    def frame(self, cltrid: str | None = None) -> bytes:
        """The whole `<epp><command>` document (elements are copied: a command may be sent twice)."""
        return client.command(
            self.verb,
            copy.deepcopy(self.object) if self.object is not None else None,
            [copy.deepcopy(e) for e in self.extensions],
            cltrid,
            self.op,
            **dict(self.verb_attributes),
        )


@dataclass(frozen=True)
class DsRecord:
    key_tag: int
    alg: int
    digest_type: int
    digest: str


@dataclass(frozen=True)
class KeyRecord:
    flags: int
    protocol: int
    alg: int
    pub_key: str


@dataclass(frozen=True)
class Location:
    streets: Sequence[str]
    city: str
    sp: str


@dataclass(frozen=True)
class PostalInfo:
    name: str
    street: Sequence[str]
    city: str
    cc: str
    org: str = ""
    sp: str = ""
    pc: str = ""
    type: str = "int"


def _names(parent: etree._Element, namespace: str, tag: str, names: Iterable[str]) -> None:
    for name in names:
        sub(parent, namespace, tag, name)


def _auth(parent: etree._Element, namespace: str, code: str | None) -> None:
    if code is not None:
        sub(sub(parent, namespace, "authInfo"), namespace, "pw", code)


def _period(parent: etree._Element, namespace: str, years: int | None, unit: str = "y") -> None:
    if years is not None:
        sub(parent, namespace, "period", str(years), unit=unit)


def _ds_items(parent: etree._Element, records: Iterable[DsRecord | KeyRecord]) -> None:
    for record in records:
        if isinstance(record, DsRecord):
            ds = sub(parent, SECDNS, "dsData")
            for tag, value in (
                ("keyTag", record.key_tag),
                ("alg", record.alg),
                ("digestType", record.digest_type),
                ("digest", record.digest),
            ):
                sub(ds, SECDNS, tag, str(value))
        else:
            key = sub(parent, SECDNS, "keyData")
            for tag, value in (
                ("flags", record.flags),
                ("protocol", record.protocol),
                ("alg", record.alg),
                ("pubKey", record.pub_key),
            ):
                sub(key, SECDNS, tag, str(value))


def kz_location(parent: etree._Element, location: Location) -> None:
    loc = sub(parent, KZ, "location")
    _names(loc, KZ, "street", location.streets)
    sub(loc, KZ, "city", location.city)
    sub(loc, KZ, "sp", location.sp)


def fee_agreement(
    command: str, amount: Decimal | str, currency: str = "USD", years: int | None = None
) -> etree._Element:
    """`<fee:create|renew|transfer|update>` stating what the client agrees to pay."""
    element = E(FEE, command)
    sub(element, FEE, "currency", currency)
    sub(element, FEE, "fee", str(amount))
    return element


# --- domain (RFC 5731) ---------------------------------------------------------------------------


def domain_check(
    *names: str, fee_commands: Sequence[tuple[str, int | None]] = (), currency: str | None = None
) -> EppCommand:
    check = E(DOMAIN, "check")
    _names(check, DOMAIN, "name", names)
    extensions: tuple[etree._Element, ...] = ()
    if fee_commands:
        fee = E(FEE, "check")
        if currency:
            sub(fee, FEE, "currency", currency)
        for verb, years in fee_commands:
            command = sub(fee, FEE, "command", name=verb)
            _period(command, FEE, years)
        extensions = (fee,)
    return EppCommand("check", check, extensions)


def domain_info(name: str, hosts: str = "all", auth_code: str | None = None) -> EppCommand:
    info = E(DOMAIN, "info")
    sub(info, DOMAIN, "name", name, hosts=hosts)
    _auth(info, DOMAIN, auth_code)
    return EppCommand("info", info)


def domain_create(
    name: str,
    *,
    registrant: str | None,
    contacts: Mapping[str, str],
    location: Location | None,
    host_objs: Sequence[str] = (),
    host_attrs: Sequence[tuple[str, Sequence[str]]] = (),
    years: int | None = 1,
    period_unit: str = "y",
    auth_code: str | None = "2fooBAR-kz",
    ds: Sequence[DsRecord | KeyRecord] = (),
    purpose: str | None = None,
    fee: etree._Element | None = None,
) -> EppCommand:
    create = E(DOMAIN, "create")
    sub(create, DOMAIN, "name", name)
    _period(create, DOMAIN, years, period_unit)
    if host_objs or host_attrs:
        nameservers = sub(create, DOMAIN, "ns")
        _names(nameservers, DOMAIN, "hostObj", host_objs)
        for host, addresses in host_attrs:
            attr = sub(nameservers, DOMAIN, "hostAttr")
            sub(attr, DOMAIN, "hostName", host)
            for address in addresses:
                sub(attr, DOMAIN, "hostAddr", address, ip="v6" if ":" in address else "v4")
    if registrant is not None:
        sub(create, DOMAIN, "registrant", registrant)
    for role, handle in contacts.items():
        sub(create, DOMAIN, "contact", handle, type=role)
    sub(sub(create, DOMAIN, "authInfo"), DOMAIN, "pw", auth_code or "")
    extensions = []
    if ds:
        secdns = E(SECDNS, "create")
        _ds_items(secdns, ds)
        extensions.append(secdns)
    if location is not None or purpose is not None:
        kz = E(KZ, "create")
        if location is not None:
            kz_location(kz, location)
        if purpose is not None:
            sub(kz, KZ, "purpose", purpose)
        extensions.append(kz)
    if fee is not None:
        extensions.append(fee)
    return EppCommand("create", create, tuple(extensions))


def domain_update(
    name: str,
    *,
    add_ns: Sequence[str] = (),
    rem_ns: Sequence[str] = (),
    add_contacts: Mapping[str, str] | None = None,
    rem_contacts: Mapping[str, str] | None = None,
    add_statuses: Sequence[str] = (),
    rem_statuses: Sequence[str] = (),
    registrant: str | None = None,
    auth_code: str | None = None,
    ds_add: Sequence[DsRecord | KeyRecord] = (),
    ds_rem: Sequence[DsRecord | KeyRecord] = (),
    ds_rem_all: bool = False,
    max_sig_life: int | None = None,
    location: Location | None = None,
    purpose: str | None = None,
    restore: str | None = None,
    report: Mapping[str, object] | None = None,
    fee: etree._Element | None = None,
) -> EppCommand:
    update = E(DOMAIN, "update")
    sub(update, DOMAIN, "name", name)
    for tag, hosts, contacts, statuses in (
        ("add", add_ns, add_contacts, add_statuses),
        ("rem", rem_ns, rem_contacts, rem_statuses),
    ):
        if hosts or contacts or statuses:
            part = sub(update, DOMAIN, tag)
            if hosts:
                _names(sub(part, DOMAIN, "ns"), DOMAIN, "hostObj", hosts)
            for role, handle in (contacts or {}).items():
                sub(part, DOMAIN, "contact", handle, type=role)
            for status in statuses:
                sub(part, DOMAIN, "status", s=status)
    if registrant is not None or auth_code is not None:
        change = sub(update, DOMAIN, "chg")
        if registrant is not None:
            sub(change, DOMAIN, "registrant", registrant)
        _auth(change, DOMAIN, auth_code)
    if len(update) == 1:
        sub(update, DOMAIN, "chg")  # nothing but extensions (RFC 3915's restore): an empty chg
    extensions = []
    if ds_add or ds_rem or ds_rem_all or max_sig_life is not None:
        secdns = E(SECDNS, "update")
        if ds_rem or ds_rem_all:
            rem = sub(secdns, SECDNS, "rem")
            if ds_rem_all:
                sub(rem, SECDNS, "all", "true")
            _ds_items(rem, ds_rem)
        if ds_add:
            _ds_items(sub(secdns, SECDNS, "add"), ds_add)
        if max_sig_life is not None:
            sub(sub(secdns, SECDNS, "chg"), SECDNS, "maxSigLife", str(max_sig_life))
        extensions.append(secdns)
    if location is not None or purpose is not None:
        kz = E(KZ, "update")
        if location is not None:
            kz_location(kz, location)
        if purpose is not None:
            sub(kz, KZ, "purpose", purpose)
        extensions.append(kz)
    if restore is not None:
        rgp = E(RGP, "update")
        element = sub(rgp, RGP, "restore", op=restore)
        if report is not None:
            body = sub(element, RGP, "report")
            for tag in ("preData", "postData", "delTime", "resTime", "resReason"):
                sub(body, RGP, tag, str(report[tag]))
            statements = report.get("statements") or ()
            assert isinstance(statements, Sequence)
            for statement in statements:
                sub(body, RGP, "statement", str(statement))
            if report.get("other"):
                sub(body, RGP, "other", str(report["other"]))
        extensions.append(rgp)
    if fee is not None:
        extensions.append(fee)
    return EppCommand("update", update, tuple(extensions))


def domain_delete(name: str) -> EppCommand:
    delete = E(DOMAIN, "delete")
    sub(delete, DOMAIN, "name", name)
    return EppCommand("delete", delete)


def domain_renew(
    name: str, current_expiry: str, years: int | None = 1, fee: etree._Element | None = None
) -> EppCommand:
    renew = E(DOMAIN, "renew")
    sub(renew, DOMAIN, "name", name)
    sub(renew, DOMAIN, "curExpDate", current_expiry)
    _period(renew, DOMAIN, years)
    return EppCommand("renew", renew, (fee,) if fee is not None else ())


def domain_transfer(
    op: str, name: str, auth_code: str | None = None, years: int | None = None, fee: etree._Element | None = None
) -> EppCommand:
    transfer = E(DOMAIN, "transfer")
    sub(transfer, DOMAIN, "name", name)
    _period(transfer, DOMAIN, years)
    _auth(transfer, DOMAIN, auth_code)
    return EppCommand("transfer", transfer, (fee,) if fee is not None else (), op=op)


def domain_registrant_change(name: str, registrant: str) -> EppCommand:
    """A new registrant for a domain of ours (R14, kz-1.0): a transfer request with `<kz:registrantChange>`."""
    transfer = E(DOMAIN, "transfer")
    sub(transfer, DOMAIN, "name", name)
    change = E(KZ, "registrantChange")
    sub(change, KZ, "registrant", registrant)
    return EppCommand("transfer", transfer, (change,), op="request")


# --- contact (RFC 5733) --------------------------------------------------------------------------


def contact_check(*ids: str) -> EppCommand:
    check = E(CONTACT, "check")
    _names(check, CONTACT, "id", ids)
    return EppCommand("check", check)


def contact_info(contact_id: str, auth_code: str | None = None) -> EppCommand:
    info = E(CONTACT, "info")
    sub(info, CONTACT, "id", contact_id)
    _auth(info, CONTACT, auth_code)
    return EppCommand("info", info)


def _postal(parent: etree._Element, postal: PostalInfo) -> None:
    info = sub(parent, CONTACT, "postalInfo", type=postal.type)
    sub(info, CONTACT, "name", postal.name)
    if postal.org:
        sub(info, CONTACT, "org", postal.org)
    addr = sub(info, CONTACT, "addr")
    _names(addr, CONTACT, "street", postal.street)
    sub(addr, CONTACT, "city", postal.city)
    if postal.sp:
        sub(addr, CONTACT, "sp", postal.sp)
    if postal.pc:
        sub(addr, CONTACT, "pc", postal.pc)
    sub(addr, CONTACT, "cc", postal.cc)


def _disclose(parent: etree._Element, disclose: bool | None) -> None:
    if disclose is not None:
        element = sub(parent, CONTACT, "disclose", flag="1" if disclose else "0")
        for tag in ("name", "org", "addr"):
            sub(element, CONTACT, tag, type="int")
        sub(element, CONTACT, "voice")
        sub(element, CONTACT, "email")


def contact_create(
    contact_id: str,
    postal: PostalInfo,
    email: str,
    voice: str | None = None,
    fax: str | None = None,
    auth_code: str = "c0ntact-Secret",
    disclose: bool | None = None,
) -> EppCommand:
    create = E(CONTACT, "create")
    sub(create, CONTACT, "id", contact_id)
    _postal(create, postal)
    if voice is not None:
        sub(create, CONTACT, "voice", voice)
    if fax is not None:
        sub(create, CONTACT, "fax", fax)
    sub(create, CONTACT, "email", email)
    _auth(create, CONTACT, auth_code)
    _disclose(create, disclose)
    return EppCommand("create", create)


def contact_update(
    contact_id: str,
    *,
    postal: PostalInfo | None = None,
    voice: str | None = None,
    fax: str | None = None,
    email: str | None = None,
    auth_code: str | None = None,
    disclose: bool | None = None,
    add_statuses: Sequence[str] = (),
    rem_statuses: Sequence[str] = (),
) -> EppCommand:
    update = E(CONTACT, "update")
    sub(update, CONTACT, "id", contact_id)
    for tag, statuses in (("add", add_statuses), ("rem", rem_statuses)):
        if statuses:
            part = sub(update, CONTACT, tag)
            for status in statuses:
                sub(part, CONTACT, "status", s=status)
    if (
        postal
        or voice is not None
        or fax is not None
        or email is not None
        or auth_code is not None
        or disclose is not None
    ):
        change = sub(update, CONTACT, "chg")
        if postal is not None:
            _postal(change, postal)
        for tag, value in (("voice", voice), ("fax", fax), ("email", email)):
            if value is not None:
                sub(change, CONTACT, tag, value)
        _auth(change, CONTACT, auth_code)
        _disclose(change, disclose)
    return EppCommand("update", update)


def contact_delete(contact_id: str) -> EppCommand:
    delete = E(CONTACT, "delete")
    sub(delete, CONTACT, "id", contact_id)
    return EppCommand("delete", delete)


def contact_transfer(op: str, contact_id: str, auth_code: str | None = None) -> EppCommand:
    transfer = E(CONTACT, "transfer")
    sub(transfer, CONTACT, "id", contact_id)
    _auth(transfer, CONTACT, auth_code)
    return EppCommand("transfer", transfer, op=op)


# --- host (RFC 5732) -----------------------------------------------------------------------------


def host_check(*names: str) -> EppCommand:
    check = E(HOST, "check")
    _names(check, HOST, "name", names)
    return EppCommand("check", check)


def host_info(name: str) -> EppCommand:
    info = E(HOST, "info")
    sub(info, HOST, "name", name)
    return EppCommand("info", info)


def _addresses(parent: etree._Element, addresses: Iterable[str]) -> None:
    for address in addresses:
        sub(parent, HOST, "addr", address, ip="v6" if ":" in address else "v4")


def host_create(name: str, addresses: Sequence[str] = ()) -> EppCommand:
    create = E(HOST, "create")
    sub(create, HOST, "name", name)
    _addresses(create, addresses)
    return EppCommand("create", create)


def host_update(
    name: str,
    *,
    add_addresses: Sequence[str] = (),
    rem_addresses: Sequence[str] = (),
    add_statuses: Sequence[str] = (),
    rem_statuses: Sequence[str] = (),
    new_name: str | None = None,
) -> EppCommand:
    update = E(HOST, "update")
    sub(update, HOST, "name", name)
    for tag, addresses, statuses in (("add", add_addresses, add_statuses), ("rem", rem_addresses, rem_statuses)):
        if addresses or statuses:
            part = sub(update, HOST, tag)
            _addresses(part, addresses)
            for status in statuses:
                sub(part, HOST, "status", s=status)
    if new_name is not None:
        sub(sub(update, HOST, "chg"), HOST, "name", new_name)
    return EppCommand("update", update)


def host_delete(name: str) -> EppCommand:
    delete = E(HOST, "delete")
    sub(delete, HOST, "name", name)
    return EppCommand("delete", delete)


# --- poll (RFC 5730 §2.9.2.3) --------------------------------------------------------------------


def poll_request() -> EppCommand:
    return EppCommand("poll", None, op="req")


def poll_ack(message_id: str) -> EppCommand:
    return EppCommand("poll", None, op="ack", verb_attributes=(("msgID", message_id),))
