"""Channel-neutral commands: what an operation is asked to do, before any rule is checked.

Adapters (mail templates, cabinet forms, API, CLI) build these from their input; operations validate
them. Strings are kept as the user sent them, so that problems can quote the user's own text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

# Authorization codes of other registrars' contacts named in a domain command, by handle (SPEC E2): a
# registrar names another registrar's contact only with its code. Registry staff and mail need none.
AuthCodes = Mapping[str, str]


@dataclass(frozen=True)
class AgreedFee:
    """The most a client agreed to pay for a charged command (RFC 8748's <fee:fee> and <fee:currency>; an
    order's agreed price): the fee guard compares it with the fee it charges, in the charging transaction,
    and refuses the command when the fee is more or in another currency (ADR 0010). `currency` None: the
    client named none, so it agreed in the currency it pays in (RFC 8748 §3.4). The registry only carries
    it: what a fee is, is billing's business (the registry does not import billing, so not billing's Money)."""

    amount: Decimal
    currency: str | None = None


@dataclass(frozen=True)
class ContactData:
    """A contact given in full, without a handle (R8). Lists may also be comma-separated strings."""

    kind: str  # "I" or "R"
    name: str
    organisation: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country_code: str = ""
    phones: tuple[str, ...] | str = ()
    faxes: tuple[str, ...] | str = ()
    emails: tuple[str, ...] | str = ()
    language: str = "ru"
    disclose: bool = False


# A contact is named either by its NIC handle or by its data (matched or created: R7).
ContactRef = str | ContactData


@dataclass(frozen=True)
class NameServer:
    name: str
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Location:
    """Where the equipment that serves the domain stands (R12, 9a–9c); replaced as a whole."""

    address: str
    city: str
    region: str


@dataclass(frozen=True)
class CreateDomain:
    name: str
    period: int | None
    registrant: ContactRef | None
    admin: ContactRef | None
    nameservers: tuple[NameServer, ...]
    location: Location | None
    tech: ContactRef | None = None  # defaults to admin (R9)
    billing: ContactRef | None = None  # defaults to admin (R9)
    purpose: str = ""
    registrar: str | None = None  # handle; defaults to the actor's registrar
    reseller: str | None = None  # name of the reseller that serves the domain, as its registrar gives it
    ds_records: tuple[str, ...] = ()
    auth_codes: AuthCodes = field(default_factory=dict)
    auth_code: str | None = None  # the domain's own EPP authInfo, chosen by the sponsor; random when not given
    # The name servers named without addresses are host objects that must exist (EPP's hostObj model: set
    # by the EPP adapter and the registrar wing's connections). Mail forms leave it off (R11).
    hosts_must_exist: bool = False
    fee_agreed: AgreedFee | None = None  # the fee the client agreed to (EPP <fee:fee>); None: not stated
    fee_quote_id: str = ""  # a stored quote (billing's `fees.quote`) whose amount the create is charged, once


@dataclass(frozen=True)
class ModifyDomain:
    """Only what is given changes; each given section replaces the stored one whole (T7)."""

    name: str
    admin: ContactRef | None = None
    tech: ContactRef | None = None
    billing: ContactRef | None = None
    nameservers: tuple[NameServer, ...] | None = None
    location: Location | None = None
    purpose: str | None = None
    add_years: int | None = None
    # As the channel gave it: only the current registrant is accepted (R14: a change is a transfer).
    registrant: ContactRef | None = None
    ds_records: tuple[str, ...] | None = None
    reseller: str | None = None  # the serving reseller's name, as its registrar gives it; "" clears it
    auth_codes: AuthCodes = field(default_factory=dict)
    auth_code: str | None = None  # a new EPP authInfo for the domain
    # EPP client statuses (clientHold, clientUpdateProhibited, ...) the sponsor sets or removes (RFC 5731).
    add_statuses: tuple[str, ...] = ()
    remove_statuses: tuple[str, ...] = ()
    hosts_must_exist: bool = False  # as in CreateDomain


@dataclass(frozen=True)
class RenewDomain:
    name: str
    years: int
    fee_agreed: AgreedFee | None = None  # as in CreateDomain


@dataclass(frozen=True)
class DeleteDomain:
    name: str
    reason: str = ""


@dataclass(frozen=True)
class SetDomainStatus:
    """Set or lift `hold` or `suspended` (R13); `reason` is required either way."""

    name: str
    flag: str
    reason: str


@dataclass(frozen=True)
class TransferDomain:
    """A new registrant takes the domain (R14, T13): the new holder's New form, applied whole."""

    name: str
    registrant: ContactRef | None
    admin: ContactRef | None = None
    tech: ContactRef | None = None
    billing: ContactRef | None = None
    nameservers: tuple[NameServer, ...] | None = None
    location: Location | None = None
    authorization: str = ""  # how the current holder agreed: "forwarded-delete", "crypt-pw", "pgp", "fax: …"
    auth_codes: AuthCodes = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeRegistrar:
    name: str
    registrar: str
    reseller: str | None = None  # the new registrar's reseller name; None or "" clears it


@dataclass(frozen=True)
class CreateContact:
    data: ContactData
    handle: str | None = None  # chosen by the registrar (EPP id) or staff, R5 syntax; otherwise generated
    security_scheme: str = ""
    crypt_password: str | None = None
    pgp_key: str | None = None
    registrar: str | None = None  # sponsor's handle: the actor's registrar; registry staff may name one
    auth_code: str | None = None  # chosen by the sponsor; random when not given


@dataclass(frozen=True)
class ModifyContact:
    """Fields left as None stay as they are."""

    handle: str
    changes: dict[str, object] = field(default_factory=dict)  # ContactData field → new value
    security_scheme: str | None = None
    crypt_password: str | None = None  # clear text; stored only as a hash
    crypt_hash: str | None = None  # a legacy crypt hash carried over from another system
    pgp_key: str | None = None
    auth_code: str | None = None
    add_statuses: tuple[str, ...] = ()  # clientUpdateProhibited, clientDeleteProhibited, clientTransferProhibited
    remove_statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreateHost:
    name: str
    addresses: tuple[str, ...] = ()
    registrar: str | None = None  # sponsor's handle: the actor's registrar; registry staff may name one


@dataclass(frozen=True)
class ModifyHost:
    name: str
    new_name: str | None = None
    addresses: tuple[str, ...] | None = None
    add_statuses: tuple[str, ...] = ()  # clientUpdateProhibited, clientDeleteProhibited
    remove_statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeleteHost:
    name: str


@dataclass(frozen=True)
class RegistrarData:
    """A registrar's contact data; for a change, fields left as None stay as they are."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    url: str | None = None
    whois_server: str | None = None


@dataclass(frozen=True)
class CreateRegistrar:
    handle: str
    data: RegistrarData


@dataclass(frozen=True)
class ModifyRegistrar:
    handle: str
    data: RegistrarData


@dataclass(frozen=True)
class SetRegistrarStatus:
    """`active` or `suspended` (a suspended registrar's actors are refused by every operation)."""

    handle: str
    status: str
    reason: str = ""


@dataclass(frozen=True)
class RequestTransfer:
    """A registrar asks for a domain another registrar sponsors, with the domain's authorization code
    (R15, E2, EPP `<transfer op="request">`); pending until the losing registrar decides or the
    pending period ends (then approved by the worker)."""

    name: str
    auth_code: str
    period: int | None = None  # years added when it completes (charged); None: the zone's default of 1
    fee_agreed: AgreedFee | None = None  # checked against the transfer's fee when it is asked (CreateDomain)


@dataclass(frozen=True)
class DecideTransfer:
    """The pending transfer of `name`: `approve` or `reject` (losing registrar, or staff), `cancel`
    (gaining registrar, or staff)."""

    name: str
    decision: str


@dataclass(frozen=True)
class RestoreReport:
    """RFC 3915's restore report: what the registrar states about the restored registration."""

    pre_data: str
    post_data: str
    deleted_at: str
    restored_at: str
    reason: str
    statements: tuple[str, ...]
    other: str = ""


@dataclass(frozen=True)
class RestoreDomain:
    """Bring back a domain deleted within its redemption period (RFC 3915). `report` None is the
    request (`rgp:restore op="request"`); a report completes it (`op="report"`)."""

    name: str
    report: RestoreReport | None = None
    fee_agreed: AgreedFee | None = None  # the request's, against the restore fee (as in CreateDomain)


@dataclass(frozen=True)
class DeleteContact:
    """A contact that no domain names any more (2305 otherwise)."""

    handle: str


@dataclass(frozen=True)
class RequestContactTransfer:
    """RFC 5733 contact transfer: another registrar asks for a contact with its authorization code."""

    handle: str
    auth_code: str


@dataclass(frozen=True)
class DecideContactTransfer:
    handle: str
    decision: str  # "approve", "reject", "cancel"
