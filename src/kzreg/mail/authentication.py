"""Who sent an inbound message: SPF for the envelope sender, every DKIM signature, DMARC for `From:`.

Run at the SMTP intake before `250` (in its executor thread, never on the event loop), through the
resolver from configuration (`kzreg.mail.resolver`), with pyspf and dkimpy doing the checks and
authres writing the Authentication-Results text. A sender is **proven** only when DMARC passes: a
policy is published for the header `From:` domain and SPF or a DKIM signature passes aligned with it.
A DNS failure is `temperror` and proves nothing. A signature with `l=` (only part of the body signed)
is reported `policy` and does not count: text could have been added after the signed part.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import re
from dataclasses import asdict, dataclass, field
from email.utils import getaddresses

import dkim
import spf
from authres import AuthenticationResultsHeader, DKIMAuthenticationResult, SPFAuthenticationResult
from authres.dmarc import DMARCAuthenticationResult
from dkim.util import parse_tag_value

from kzreg.mail import dmarc
from kzreg.mail.resolver import DnsTrouble, dkim_key_record, spf_lookup

spf.DNSLookup = spf_lookup  # pyspf looks its records up through this module-level function
MAX_SIGNATURES = 5  # more are not verified (each costs a lookup and an RSA verification)
_HEAD_END = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True)
class Spf:
    result: str  # pass, fail, softfail, neutral, none, temperror, permerror
    domain: str = ""  # the domain checked: the envelope sender's, or the HELO name's for a null sender
    mail_from: str = ""
    helo: str = ""
    ip: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Dkim:
    result: str  # pass, fail, policy (l=), temperror, permerror
    domain: str = ""  # d=
    selector: str = ""  # s=
    digest: str = ""  # sha256 of b=, to recognise the same signature again (replays)
    reason: str = ""


@dataclass(frozen=True)
class Dmarc:
    result: str  # pass, fail, none (no policy published), temperror, permerror
    policy: str = ""  # none, quarantine, reject
    record: str = ""  # the domain whose _dmarc record applied
    reason: str = ""


@dataclass
class Authentication:
    """Everything found about one message, kept with it (JSON) and told as Authentication-Results."""

    spf: Spf
    dkim: list[Dkim]
    from_address: str
    from_domain: str
    dmarc: Dmarc
    forwarded: list[dict] = field(default_factory=list)  # filled by the caller (T13 originals)

    @property
    def proven(self) -> bool:
        return self.dmarc.result == "pass"

    def as_json(self) -> dict:
        data = {
            "spf": asdict(self.spf), "dkim": [asdict(d) for d in self.dkim], "from": self.from_address,
            "from_domain": self.from_domain, "dmarc": asdict(self.dmarc), "proven": self.proven,
        }  # fmt: skip
        if self.forwarded:
            data["forwarded"] = self.forwarded
        return data

    def header(self, authserv_id: str) -> str:
        """The RFC 8601 Authentication-Results field for these results."""
        results: list = []
        if self.spf.result != "none" or self.spf.ip:
            results.append(SPFAuthenticationResult(
                result=self.spf.result, reason=self.spf.reason or None,
                smtp_mailfrom=self.spf.mail_from or None, smtp_helo=None if self.spf.mail_from else self.spf.helo,
            ))  # fmt: skip
        for d in self.dkim:
            results.append(DKIMAuthenticationResult(
                result=d.result, reason=d.reason or None, header_d=d.domain or None, header_s=d.selector or None
            ))  # fmt: skip
        if not self.dkim:
            results.append(DKIMAuthenticationResult(result="none"))
        results.append(DMARCAuthenticationResult(
            result=self.dmarc.result, header_from=self.from_domain or None,
            policy=self.dmarc.policy or None,
        ))  # fmt: skip
        return str(AuthenticationResultsHeader(authserv_id=authserv_id, results=results))


def check_spf(ip: str, mail_from: str, helo: str) -> Spf:
    """RFC 7208 for the envelope sender (the HELO name for a null sender); no peer, no check."""
    if not ip:
        return Spf("none", mail_from=mail_from, helo=helo, reason="no SMTP peer (message file)")
    domain = mail_from.rpartition("@")[2].lower() if mail_from else helo.lower()
    try:
        result, reason = spf.check2(ip, mail_from, helo or "unknown")
    except Exception as exc:  # pyspf raises for some malformed inputs; never fail the intake for it
        result, reason = "permerror", f"{type(exc).__name__}: {exc}"
    return Spf(result or "none", domain, mail_from, helo, ip, str(reason or "")[:300])


def _signature_tags(value: bytes) -> dict:
    try:
        return parse_tag_value(value)
    except Exception:
        return {}


def check_dkim(raw: bytes) -> list[Dkim]:
    """Every DKIM-Signature of the message (the first `MAX_SIGNATURES`), each verified on its own."""
    try:
        verifier = dkim.DKIM(raw, minkey=1024)
    except Exception as exc:
        return [Dkim("permerror", reason=f"message: {exc}"[:300])]
    signatures = [value for name, value in verifier.headers if name.lower() == b"dkim-signature"]
    results = []
    for index, value in enumerate(signatures[:MAX_SIGNATURES]):
        tags = _signature_tags(value)
        domain = tags.get(b"d", b"").decode("ascii", "replace").lower()
        selector = tags.get(b"s", b"").decode("ascii", "replace")
        digest = hashlib.sha256(b"".join(tags.get(b"b", b"").split())).hexdigest() if tags.get(b"b") else ""
        reason = ""
        try:
            result = "pass" if verifier.verify(idx=index, dnsfunc=dkim_key_record) else "fail"
        except DnsTrouble as exc:
            result, reason = "temperror", str(exc)
        except dkim.DKIMException as exc:
            result, reason = "fail", str(exc)
        except Exception as exc:  # a malformed signature must not stop the intake
            result, reason = "permerror", f"{type(exc).__name__}: {exc}"
        if result == "pass" and b"l" in tags:
            result, reason = "policy", "l= tag: only part of the body is signed"
        results.append(Dkim(result, domain, selector, digest, reason[:300]))
    return results


def header_from(raw: bytes) -> tuple[str, str]:
    """(address, reason): the single address of the single From field; "" and why when not exactly one."""
    end = _HEAD_END.search(raw)
    head = raw[: end.end()] if end else raw
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(head, headersonly=True)
    fields = message.get_all("From") or []
    if len(fields) != 1:
        return "", f"{len(fields)} From fields"
    addresses = [a for _, a in getaddresses([str(fields[0])]) if a]
    if len(addresses) != 1 or "@" not in addresses[0]:
        return "", "From does not hold exactly one address"
    return addresses[0].strip().lower(), ""


def check_dmarc(from_domain: str, spf_result: Spf, dkim_results: list[Dkim]) -> Dmarc:
    try:
        policy = dmarc.discover(from_domain)
    except DnsTrouble as exc:
        return Dmarc("temperror", reason=str(exc)[:300])
    if policy is None:
        return Dmarc("none")
    aspf, adkim = policy.tags.get("aspf", "r"), policy.tags.get("adkim", "r")
    spf_ok = spf_result.result == "pass" and dmarc.aligned(spf_result.domain, from_domain, aspf)
    dkim_ok = any(d.result == "pass" and dmarc.aligned(d.domain, from_domain, adkim) for d in dkim_results)
    return Dmarc("pass" if spf_ok or dkim_ok else "fail", policy.policy_for(from_domain), policy.domain)


def authenticate(raw: bytes, ip: str = "", helo: str = "", mail_from: str = "") -> Authentication:
    """SPF (when there is an SMTP peer), DKIM and DMARC for one message as received."""
    spf_result = check_spf(ip, mail_from, helo)
    dkim_results = check_dkim(raw)
    address, problem = header_from(raw)
    from_domain = address.rpartition("@")[2]
    result = check_dmarc(from_domain, spf_result, dkim_results) if address else Dmarc("permerror", reason=problem)
    return Authentication(spf_result, dkim_results, address, from_domain, result)
