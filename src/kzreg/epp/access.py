"""Who may log in over EPP: setting a registrar's credentials, and deciding one `<login>`.

A login needs all of: a known client id with EPP access, its password, a TLS client certificate whose
SHA-256 fingerprint the registrar registered, a client address inside its allowed networks (none listed:
loopback only), and an active registrar. Every attempt is written to `LoginAttempt`; failures are
counted per client address and, past the limit, refused before any check (`FailureLimiter`).

Password hashes are Django's (`make_password`): deliberately slow. So that a registrar that opens many
sessions does not pay that cost each time, a successful check is remembered in this process as an HMAC
of the password under a per-process random key, for that exact hash; a changed password (new hash)
misses the memo.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from kzreg.core import clock, plain_sql
from kzreg.core.errors import Problem, Problems
from kzreg.epp import certs
from kzreg.epp.models import EppAccess, LoginAttempt, LoginOutcome
from kzreg.epp.session_codes import EppCode
from kzreg.registry.models import Registrar, RegistrarStatus

PASSWORD_MIN = 8  # kzreg's policy; RFC 5730 allows 6–16, RFC 8807's loginSec longer ones
PASSWORD_MAX = 128
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def password_problems(password: str, field: str) -> list[Problem]:
    if len(password) < PASSWORD_MIN or len(password) > PASSWORD_MAX or password != password.strip():
        return [Problem(field, EppCode.PASSWORD_POLICY, {"min": PASSWORD_MIN, "max": PASSWORD_MAX})]
    return []


def parse_networks(values: Iterable[str], field: str = "allow_ip") -> tuple[list[str], list[Problem]]:
    networks, problems = [], []
    for i, value in enumerate(values):
        try:
            networks.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            problems.append(Problem(f"{field}[{i}]", EppCode.NETWORK_INVALID, {"value": value}))
    return networks, problems


def parse_certificates(pems: Sequence[bytes], field: str = "certificate") -> tuple[list[str], list[Problem]]:
    fingerprints, problems = [], []
    for i, pem in enumerate(pems):
        try:
            fingerprints += [certs.fingerprint(c) for c in certs.load_pem(pem)]
        except ValueError as error:
            problems.append(Problem(f"{field}[{i}]", EppCode.CERTIFICATE_INVALID, {"value": str(error)[:200]}))
    return list(dict.fromkeys(fingerprints)), problems


def set_access(
    registrar: Registrar,
    *,
    password: str | None,
    certificates: Sequence[bytes] | None,
    networks: Sequence[str] | None,
) -> EppAccess:
    """Sets what is given (None: keep it); a first setting needs a password and a certificate. All
    problems at once (`OperationFailed`), nothing written then."""
    problems = Problems()
    access = EppAccess.objects.filter(registrar=registrar).first()
    if access is None:
        if password is None:
            problems.add("password", EppCode.PASSWORD_POLICY, min=PASSWORD_MIN, max=PASSWORD_MAX)
        if not certificates:
            problems.add("certificate", EppCode.CERTIFICATE_INVALID, value="none given")
    if password is not None:
        problems.extend(password_problems(password, "password"))
    fingerprints, cert_problems = parse_certificates(certificates or [])
    allowed, network_problems = parse_networks(networks or [])
    problems.extend(cert_problems + network_problems)
    problems.raise_if_any()
    now = clock.now()
    with transaction.atomic():
        if access is None:
            access = EppAccess(registrar=registrar, password_changed_at=now, updated_at=now)
        if password is not None:
            access.password_hash = make_password(password)
            access.password_changed_at = now
        if certificates:
            access.certificate_fingerprints = fingerprints
        if networks is not None:
            access.allowed_networks = allowed
        access.updated_at = now
        access.save()
    return access


def address_allowed(address: str, networks: Sequence[str]) -> bool:
    ip = ipaddress.ip_address(address)
    allowed = [ipaddress.ip_network(n) for n in networks] if networks else list(LOOPBACK)
    return any(ip.version == n.version and ip in n for n in allowed)


class PasswordMemo:
    """Successful password checks of this process, keyed by the hash they were made against."""

    def __init__(self, size: int = 1024):
        self.key = secrets.token_bytes(32)
        self.size = size
        self.known: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def _mac(self, password: str) -> bytes:
        return hmac.new(self.key, password.encode(), hashlib.sha256).digest()

    def check(self, password: str, encoded: str) -> bool:
        mac = self._mac(password)
        with self.lock:
            known = self.known.get(encoded)
        if known is not None and hmac.compare_digest(known, mac):
            return True
        if not check_password(password, encoded):
            return False
        with self.lock:
            self.known[encoded] = mac
            while len(self.known) > self.size:
                self.known.popitem(last=False)
        return True


class FailureLimiter:
    """Failed logins per client address in a sliding window, in this process (several EPP worker
    processes each count their own). Times come from `kzreg.core.clock`, so tests move them."""

    def __init__(self, limit: int = 10, window: float = 300.0):
        self.limit = limit
        self.window = dt.timedelta(seconds=window)
        self.failures: dict[str, deque[dt.datetime]] = {}
        self.lock = threading.Lock()

    def _recent(self, address: str, now: dt.datetime) -> deque[dt.datetime]:
        times = self.failures.setdefault(address, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def wait(self, address: str) -> int:
        """Seconds until `address` may try again; 0 when it may now."""
        now = clock.now()
        with self.lock:
            times = self._recent(address, now)
            if not times:  # forget the address: the table holds only addresses with recent failures
                del self.failures[address]
            if len(times) < self.limit:
                return 0
            return max(1, int((times[0] + self.window - now).total_seconds() + 0.999))

    def failed(self, address: str) -> None:
        now = clock.now()
        with self.lock:
            self._recent(address, now).append(now)


@dataclass(frozen=True)
class LoginClaim:
    client_id: str
    password: str
    new_password: str | None
    address: str
    certificate_der: bytes | None
    user_agent: str = ""
    certificate_expires: dt.datetime | None = None  # a resumed TLS session's certificate (ADR 0009)

    @functools.cached_property
    def fingerprint(self) -> str:
        """The client certificate's SHA-256 fingerprint ("" without one), computed once per login."""
        return certs.fingerprint(self.certificate_der) if self.certificate_der else ""


@dataclass(frozen=True)
class LoginDecision:
    registrar: Registrar | None
    outcome: LoginOutcome
    problems: tuple[Problem, ...] = ()
    password_expires: dt.datetime | None = None  # when the password in force expires (expiry configured)

    @property
    def ok(self) -> bool:
        return self.outcome == LoginOutcome.OK


class Gatekeeper:
    """Decides logins for one server process (its memo and failure counts are per process)."""

    def __init__(self, limiter: FailureLimiter | None = None, memo: PasswordMemo | None = None, password_days: int = 0):
        self.limiter = limiter or FailureLimiter()
        self.memo = memo or PasswordMemo()
        self.password_days = password_days  # 0: passwords do not expire

    def login(self, claim: LoginClaim) -> LoginDecision:
        decision = self._decide(claim)
        self._log(claim, decision)
        if not decision.ok and decision.outcome != LoginOutcome.RATE_LIMITED:
            self.limiter.failed(claim.address)
        return decision

    def _decide(self, claim: LoginClaim) -> LoginDecision:
        wait = self.limiter.wait(claim.address)
        if wait:
            problem = Problem("", EppCode.RATE_LIMITED, {"address": claim.address, "seconds": wait})
            return LoginDecision(None, LoginOutcome.RATE_LIMITED, (problem,))
        if claim.certificate_der is None:
            return LoginDecision(None, LoginOutcome.NO_CERTIFICATE, (Problem("", EppCode.NO_CERTIFICATE),))
        if claim.certificate_expires is not None and claim.certificate_expires <= clock.now():
            problem = Problem(
                "", EppCode.CERTIFICATE_EXPIRED, {"date": f"{claim.certificate_expires:%Y-%m-%d %H:%M} UTC"}
            )
            return LoginDecision(None, LoginOutcome.CERTIFICATE_EXPIRED, (problem,))
        wrong = (Problem("clID", EppCode.LOGIN_FAILED),)
        access = EppAccess.objects.select_related("registrar").filter(registrar__handle=claim.client_id).first()
        if access is None:  # which of the two is only for the log: the client hears the same
            registrar = Registrar.objects.filter(handle=claim.client_id).first()
            outcome = LoginOutcome.NO_ACCESS if registrar else LoginOutcome.UNKNOWN_CLIENT
            return LoginDecision(registrar, outcome, wrong)
        registrar = access.registrar
        if not self.memo.check(claim.password, access.password_hash):
            return LoginDecision(registrar, LoginOutcome.BAD_PASSWORD, wrong)
        pinned = claim.fingerprint
        if pinned not in access.certificate_fingerprints:
            problem = Problem("", EppCode.CERTIFICATE_NOT_PINNED, {"fingerprint": pinned})
            return LoginDecision(registrar, LoginOutcome.CERTIFICATE_NOT_PINNED, (problem,))
        if not address_allowed(claim.address, access.allowed_networks):
            problem = Problem("", EppCode.ADDRESS_NOT_ALLOWED, {"address": claim.address})
            return LoginDecision(registrar, LoginOutcome.ADDRESS_NOT_ALLOWED, (problem,))
        if registrar.status != RegistrarStatus.ACTIVE:
            return LoginDecision(
                registrar, LoginOutcome.REGISTRAR_SUSPENDED, (Problem("clID", EppCode.REGISTRAR_SUSPENDED),)
            )
        expires = self._expiry(access.password_changed_at)
        if claim.new_password is not None:
            problems = password_problems(claim.new_password, "newPW")
            if problems:
                return LoginDecision(registrar, LoginOutcome.NEW_PASSWORD_REFUSED, tuple(problems), expires)
            changed = set_access(registrar, password=claim.new_password, certificates=None, networks=None)
            return LoginDecision(registrar, LoginOutcome.OK, (), self._expiry(changed.password_changed_at))
        if expires is not None and expires <= clock.now():  # RFC 8807: only a login with newPW gets in
            problem = Problem("pw", EppCode.PASSWORD_EXPIRED, {"date": f"{expires:%Y-%m-%d}"})
            return LoginDecision(registrar, LoginOutcome.PASSWORD_EXPIRED, (problem,), expires)
        return LoginDecision(registrar, LoginOutcome.OK, (), expires)

    def _expiry(self, changed_at: dt.datetime) -> dt.datetime | None:
        return changed_at + dt.timedelta(days=self.password_days) if self.password_days else None

    def _log(self, claim: LoginClaim, decision: LoginDecision) -> None:
        """One `LoginAttempt` row, by a plain statement (the model's `create` cost a login ~0.5 ms of CPU)."""
        registrar_id = decision.registrar.id if decision.registrar is not None else None
        values = [
            plain_sql.prep(LoginAttempt, "at", clock.now()), claim.client_id[:64], registrar_id, claim.address,
            claim.fingerprint, str(decision.outcome), claim.user_agent[:255],
        ]  # fmt: skip
        plain_sql.run(LoginAttempt, _LOG_SQL, values, rows=False, keep="epp")


_LOG_SQL = (
    f"INSERT INTO {LoginAttempt._meta.db_table} "
    "(at, client_id, registrar_id, address, certificate_fingerprint, outcome, user_agent) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


def registrar_active(registrar_id: int) -> bool:
    """Whether a logged-in registrar may still act (checked before each command of its sessions)."""
    status = Registrar.objects.filter(id=registrar_id).values_list("status", flat=True).first()
    return status == RegistrarStatus.ACTIVE
