"""Name and data rules of the registry (R3, R8, R10, R11): pure functions, no database.

Each check returns the problems it finds; operations collect them so that a request gets every problem
at once. `ZonePolicy` is the per-zone configuration (a `Zone` row and its reserved names) in plain form.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kzreg.core.errors import Problem
from kzreg.core.messages import Code
from kzreg.registry.addresses import reserved_range
from kzreg.registry.countries import ISO_3166_ALPHA2

LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
RUSSIAN = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
KAZAKH_EXTRA = frozenset("әғқңөұүһі")
CYRILLIC = RUSSIAN | KAZAKH_EXTRA
DIGITS = frozenset("0123456789")
HANDLE_RE = re.compile(r"^[A-Z0-9](?:[A-Z0-9-]{0,9})$")
ACE_PREFIX = "xn--"


@dataclass(frozen=True)
class ZonePolicy:
    id: int
    name: str  # A-label
    unicode_name: str
    max_name_length: int = 25
    min_period: int = 1
    max_period: int = 10
    allow_latin: bool = True
    allow_cyrillic: bool = True
    min_nameservers: int = 2
    max_nameservers: int = 6
    grace_days: int = 30
    reserved: Mapping[str, str] = field(default_factory=dict)  # A-label → reason
    blocked: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DomainName:
    zone: ZonePolicy
    label: str  # A-label of the second-level label
    unicode_label: str

    @property
    def name(self) -> str:
        return f"{self.label}.{self.zone.name}"

    @property
    def unicode_name(self) -> str:
        return f"{self.unicode_label}.{self.zone.unicode_name}"


def _to_unicode_label(label: str) -> str:
    return idna.decode(label) if label.startswith(ACE_PREFIX) else label


def zone_of_name(raw: str, zones: Mapping[str, ZonePolicy]) -> ZonePolicy | None:
    """The zone a name is under, judged by its last label alone (for checks that need only the zone)."""
    last = (raw or "").strip().rstrip(".").lower().rsplit(".", 1)[-1]
    return zones.get(_zone_key(last) or "")


def _zone_key(label: str) -> str | None:
    try:
        return idna.encode(label).decode("ascii") if not label.isascii() else label
    except idna.IDNAError:
        return None


def parse_domain_name(
    raw: str, zones: Mapping[str, ZonePolicy], field_name: str = "name"
) -> tuple[DomainName | None, list[Problem]]:
    """Checks a second-level name against its zone's rules; returns it in both forms, or the problems."""
    text = (raw or "").strip().rstrip(".").lower()
    if not text:
        return None, [Problem(field_name, Code.REQUIRED)]
    labels = text.split(".")
    if any(not part for part in labels):
        return None, [Problem(field_name, Code.NAME_EMPTY_LABEL, {"value": raw.strip()})]
    if len(labels) != 2:
        return None, [Problem(field_name, Code.NAME_NOT_SECOND_LEVEL, {"value": raw.strip()})]
    label, zone_label = labels
    zone_key = _zone_key(zone_label)
    zone = zones.get(zone_key or "")
    if zone is None:
        return None, [Problem(field_name, Code.ZONE_UNKNOWN, {"zone": zone_label})]
    try:
        ulabel = _to_unicode_label(label)
    except (idna.IDNAError, UnicodeError) as exc:
        return None, [Problem(field_name, Code.NAME_IDNA, {"value": label, "reason": str(exc)})]
    problems = check_label(ulabel, zone, field_name)
    length = len(ulabel) + 1 + len(zone.unicode_name)
    if length > zone.max_name_length:
        problems.append(Problem(field_name, Code.NAME_TOO_LONG, {"limit": zone.max_name_length, "length": length}))
    if problems:
        return None, problems
    try:
        alabel = idna.encode(ulabel).decode("ascii") if not ulabel.isascii() else ulabel
    except idna.IDNAError as exc:
        return None, [Problem(field_name, Code.NAME_IDNA, {"value": ulabel, "reason": str(exc)})]
    if len(alabel) > 63:
        return None, [Problem(field_name, Code.TOO_LONG, {"limit": 63})]
    return DomainName(zone=zone, label=alabel, unicode_label=ulabel), []


def check_label(ulabel: str, zone: ZonePolicy, field_name: str = "name") -> list[Problem]:
    """Letters, digits and hyphen; no hyphen at either end; one script per label; the zone's scripts."""
    problems: list[Problem] = []
    bad = sorted({ch for ch in ulabel if ch not in LATIN and ch not in CYRILLIC and ch not in DIGITS and ch != "-"})
    for ch in bad:
        problems.append(Problem(field_name, Code.NAME_BAD_CHARACTER, {"char": ch}))
    if ulabel.startswith("-") or ulabel.endswith("-"):
        problems.append(Problem(field_name, Code.NAME_HYPHEN_EDGE, {"value": ulabel}))
    if len(ulabel) >= 4 and ulabel[2:4] == "--":
        problems.append(Problem(field_name, Code.NAME_HYPHEN_34, {"value": ulabel}))
    has_latin = any(ch in LATIN for ch in ulabel)
    has_cyrillic = any(ch in CYRILLIC for ch in ulabel)
    if has_latin and has_cyrillic:
        problems.append(Problem(field_name, Code.NAME_MIXED_SCRIPT, {"value": ulabel}))
    else:
        if has_latin and not zone.allow_latin:
            problems.append(
                Problem(field_name, Code.NAME_SCRIPT_NOT_ALLOWED, {"zone": zone.unicode_name, "script": "Latin"})
            )
        if has_cyrillic and not zone.allow_cyrillic:
            problems.append(
                Problem(
                    field_name,
                    Code.NAME_SCRIPT_NOT_ALLOWED,
                    {"zone": zone.unicode_name, "script": "Cyrillic"},
                )
            )
    return problems


def check_reservation(name: DomainName, privileged: bool, field_name: str = "name") -> list[Problem]:
    """Blocked names are never registered; reserved ones only by registry staff."""
    if name.label in name.zone.blocked:
        return [
            Problem(
                field_name,
                Code.NAME_BLOCKED,
                {"name": name.unicode_name, "reason": name.zone.blocked[name.label]},
            )
        ]
    if name.label in name.zone.reserved and not privileged:
        return [
            Problem(
                field_name,
                Code.NAME_RESERVED,
                {"name": name.unicode_name, "reason": name.zone.reserved[name.label]},
            )
        ]
    return []


def check_period(years: int | None, zone: ZonePolicy, field_name: str = "period") -> list[Problem]:
    if years is None:
        return [Problem(field_name, Code.REQUIRED)]
    if not zone.min_period <= years <= zone.max_period:
        return [
            Problem(
                field_name,
                Code.PERIOD_RANGE,
                {"min": zone.min_period, "max": zone.max_period, "value": years},
            )
        ]
    return []


@functools.lru_cache(maxsize=8192)  # the same few thousand name servers come back in every registration
def normalize_host_name(raw: str) -> tuple[str, str] | Problem:
    """A fully qualified host name → (A-label form, U-label form), or the problem."""
    text = (raw or "").strip().rstrip(".").lower()
    if not text:
        return Problem("name", Code.REQUIRED)
    labels = text.split(".")
    if len(labels) < 2 or any(not part for part in labels) or len(text) > 253:
        return Problem("name", Code.INVALID_HOSTNAME, {"value": raw.strip()})
    alabels, ulabels = [], []
    for label in labels:
        try:
            ulabel = _to_unicode_label(label)
            alabel = idna.encode(ulabel).decode("ascii") if not ulabel.isascii() else ulabel
        except (idna.IDNAError, UnicodeError):
            return Problem("name", Code.INVALID_HOSTNAME, {"value": raw.strip()})
        if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", alabel) or (
            alabel[2:4] == "--" and not alabel.startswith(ACE_PREFIX)
        ):
            return Problem("name", Code.INVALID_HOSTNAME, {"value": raw.strip()})
        alabels.append(alabel)
        ulabels.append(ulabel)
    if labels[-1].isdigit():
        return Problem("name", Code.INVALID_HOSTNAME, {"value": raw.strip()})
    return ".".join(alabels), ".".join(ulabels)


def superordinate_domain(host: str, zones: Iterable[str]) -> str | None:
    """The registration a host name lies under (`ns1.a.ps.kz` → `ps.kz`, `ps.kz` → itself) when it is
    inside one of the registry's zones (A-labels), else None (RFC 5732 §1.1: an internal host)."""
    labels = host.split(".")
    zone_names = set(zones)
    for i in range(1, len(labels)):
        if ".".join(labels[i:]) in zone_names:
            return ".".join(labels[i - 1 :])
    return None


@functools.lru_cache(maxsize=8192)
def normalize_ip(raw: str) -> str | Problem:
    """A public IPv4 or IPv6 address in canonical text form. A malformed one is not valid; a valid one
    in a special-purpose range (documentation, private, loopback, multicast…) is named with its range."""
    text = (raw or "").strip()
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return Problem("address", Code.INVALID_IP, {"value": text})
    if getattr(addr, "scope_id", None):  # `fe80::1%eth0`: an interface of one machine, never an address
        return Problem("address", Code.INVALID_IP, {"value": text})
    reserved = reserved_range(addr)
    if reserved is not None:
        return Problem("address", Code.IP_NOT_PUBLIC, {"value": text, "network": reserved[0], "kind": reserved[1]})
    return addr.compressed


def canonical_ip(text: str) -> str:
    """One text form of an address (IPv6 compressed or expanded, either case, alike), to compare a
    stored address (which may predate today's rules) with a given one; a non-address stays as written."""
    try:
        return ipaddress.ip_address(text.strip()).compressed
    except ValueError:
        return text.strip().lower()


def same_network(addresses: Iterable[str]) -> str | None:
    """The shared /24 (IPv4) or /48 (IPv6) when every address is in one, else None (R11 warning)."""
    return _same_network(tuple(addresses))


@functools.lru_cache(maxsize=4096)
def _same_network(addresses: tuple[str, ...]) -> str | None:
    nets = set()
    for text in addresses:
        addr = ipaddress.ip_address(text)
        host_bits = 8 if addr.version == 4 else 80  # /24 and /48
        nets.add((addr.version, int(addr) >> host_bits))
    if len(nets) != 1:
        return None
    version, prefix = next(iter(nets))
    host_bits = 8 if version == 4 else 80
    network = ipaddress.ip_network((prefix << host_bits, 128 - host_bits if version == 6 else 24))
    return str(network)


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """Several phones, faxes or e-mails may be given comma-separated (R8)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


PHONE_RE = re.compile(r"^\+?[0-9 ()\-.]+(?:\s*(?:ext\.?|доб\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)


def check_phone(value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value.split("ext")[0])
    return bool(PHONE_RE.match(value)) and 6 <= digits <= 20


def check_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def check_country(value: str) -> bool:
    return value.upper() in ISO_3166_ALPHA2


def check_handle(value: str) -> bool:
    return bool(HANDLE_RE.match(value))


_DBA_RE = re.compile(r"(^|\s)(d/?b/?a|d\.b\.a\.?|t/a)(\s|$)", re.IGNORECASE)


def registrant_name_acceptable(name: str) -> bool:
    """R10: the registrant's own full name, no "dba" and no bare abbreviation (e.g. "IBM", "ТОО")."""
    text = name.strip()
    if _DBA_RE.search(text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    is_bare_acronym = " " not in text and len(letters) <= 5 and all(ch.isupper() for ch in letters)
    return not is_bare_acronym
