"""secDNS-1.1 (RFC 5910): a domain's DS records, which the zone export publishes.

The registry keeps DS records (`keytag algorithm digest-type DIGEST`). A client on the key-data
interface (`<secDNS:keyData>`) gets its keys converted to DS records with SHA-256 (RFC 4509), as the
parent zone publishes DS and not DNSKEY; `maxSigLife` and `urgent` are refused with 2102 (the registry
has no signature lifetime to keep, and no faster path than the next zone export).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import dns.dnssec
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.DNSKEY

from kzreg.core.errors import Problem
from kzreg.epp import namespaces
from kzreg.epp.commands.codes import EppCommandCode
from kzreg.epp.commands.elements import Element, find, own_text, text
from kzreg.epp.commands.fields import Fields
from kzreg.epp.xml import E, sub

SECDNS = namespaces.SECDNS


@dataclass
class DsParse:
    """DS records read from a list of `<secDNS:dsData>`/`<secDNS:keyData>` and the problems found."""

    records: list[str]
    problems: list[Problem]


def _number(element: Element, tag: str, limit: int, problems: list[Problem], path: str) -> int | None:
    raw = text(element, SECDNS, tag)
    if raw is None or not raw.isdigit() or int(raw) > limit:
        expected = f"0-{limit}"
        problems.append(Problem(path, EppCommandCode.VALUE_SYNTAX, {"value": raw or "", "expected": expected}))
        return None
    return int(raw)


def _ds_record(element: Element, problems: list[Problem], path: str) -> str | None:
    before = len(problems)
    key_tag = _number(element, "keyTag", 65535, problems, path)
    algorithm = _number(element, "alg", 255, problems, path)
    digest_type = _number(element, "digestType", 255, problems, path)
    digest = (text(element, SECDNS, "digest") or "").replace(" ", "")
    try:
        binascii.unhexlify(digest)
    except (binascii.Error, ValueError):
        digest = ""
    if not digest:
        problems.append(Problem(path, EppCommandCode.VALUE_SYNTAX, {"value": "digest", "expected": "hex"}))
    if len(problems) > before:
        return None
    return f"{key_tag} {algorithm} {digest_type} {digest.upper()}"


def _key_to_ds(element: Element, domain: str, problems: list[Problem], path: str) -> str | None:
    before = len(problems)
    flags = _number(element, "flags", 65535, problems, path)
    protocol = _number(element, "protocol", 255, problems, path)
    algorithm = _number(element, "alg", 255, problems, path)
    try:
        key = base64.b64decode(text(element, SECDNS, "pubKey") or "", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        problems.append(Problem(path, EppCommandCode.VALUE_SYNTAX, {"value": "pubKey", "expected": "base64"}))
    if len(problems) > before:
        return None
    assert flags is not None and protocol is not None and algorithm is not None
    dnskey = dns.rdtypes.ANY.DNSKEY.DNSKEY(dns.rdataclass.IN, dns.rdatatype.DNSKEY, flags, protocol, algorithm, key)
    ds = dns.dnssec.make_ds(dns.name.from_text(domain), dnskey, "SHA256")
    return f"{ds.key_tag} {ds.algorithm} {ds.digest_type} {ds.digest.hex().upper()}"


def parse_records(parent: Element | None, domain: str, fields: Fields, path: str = "ds_records") -> DsParse:
    """The DS records given in `parent`: dsData as they are, keyData converted. Record i's problems
    name `ds_records[i]` (its element)."""
    result = DsParse([], [])
    items = [el for el in (parent if parent is not None else []) if isinstance(el.tag, str)]
    items = [el for el in items if el.tag in (f"{{{SECDNS}}}dsData", f"{{{SECDNS}}}keyData")]
    for i, element in enumerate(items):
        where = f"{path}[{i}]"
        fields.add(where, element)
        if element.tag.endswith("}dsData"):
            record = _ds_record(element, result.problems, where)
        else:
            record = _key_to_ds(element, domain, result.problems, where)
        if record is not None:
            result.records.append(record)
    return result


def refuse_max_sig_life(parent: Element | None, fields: Fields) -> list[Problem]:
    found = find(parent, SECDNS, "maxSigLife")
    if found is None:
        return []
    fields.add("secDNS.maxSigLife", found)
    how = "the registry keeps DS records only"
    return [Problem("secDNS.maxSigLife", EppCommandCode.UNIMPLEMENTED_OPTION, {"option": "maxSigLife", "how": how})]


def parse_create(extension: Element | None, domain: str, fields: Fields) -> DsParse:
    """`<secDNS:create>`: the new domain's DS records."""
    parsed = parse_records(extension, domain, fields)
    parsed.problems.extend(refuse_max_sig_life(extension, fields))
    return parsed


def apply_update(extension: Element, domain: str, current: list[str], fields: Fields) -> DsParse:
    """`<secDNS:update>`: the domain's DS records after `rem` (all or some) then `add` (RFC 5910 §5.2.5)."""
    problems: list[Problem] = []
    if extension.get("urgent") in ("1", "true"):
        fields.add("secDNS.urgent", extension)
        how = "DS changes are published with the next zone export"
        problems.append(Problem("secDNS.urgent", EppCommandCode.UNIMPLEMENTED_OPTION, {"option": "urgent", "how": how}))
    problems.extend(refuse_max_sig_life(find(extension, SECDNS, "chg"), fields))
    records = list(current)
    remove = find(extension, SECDNS, "rem")
    if remove is not None:
        if own_text(find(remove, SECDNS, "all")) in ("1", "true"):
            records = []
        removed = parse_records(remove, domain, fields, "secDNS.rem")
        problems.extend(removed.problems)
        for i, record in enumerate(removed.records):
            if record in records:
                records.remove(record)
            else:
                problems.append(Problem(f"secDNS.rem[{i}]", EppCommandCode.NOT_ON_OBJECT, {"value": record}))
    added = parse_records(find(extension, SECDNS, "add"), domain, fields, "secDNS.add")
    problems.extend(added.problems)
    for i, record in enumerate(added.records):
        if record in records:
            problems.append(Problem(f"secDNS.add[{i}]", EppCommandCode.ALREADY_ON_OBJECT, {"value": record}))
        else:
            records.append(record)
    return DsParse(records, problems)


def info_data(records: list[str]) -> Element | None:
    """`<secDNS:infData>` for a domain with DS records (none: no element, RFC 5910 §5.1.2)."""
    if not records:
        return None
    data = E(SECDNS, "infData")
    for record in records:
        key_tag, algorithm, digest_type, digest = record.split(maxsplit=3)
        ds = sub(data, SECDNS, "dsData")
        sub(ds, SECDNS, "keyTag", key_tag)
        sub(ds, SECDNS, "alg", algorithm)
        sub(ds, SECDNS, "digestType", digest_type)
        sub(ds, SECDNS, "digest", digest.replace(" ", ""))
    return data
