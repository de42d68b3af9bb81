"""Who may change what (T9, T10, T12, T13): the contacts' security schemes checked against a request.

Each contact on record chooses none, Mail-From, Crypt-PW or PGP. A request passes when it satisfies
the scheme of one of the contacts that may act: for none/Mail-From the sender's address, and only
when the intake proved it (DMARC passed, `kzreg.mail.authentication`); the clear password in 0c
against the stored crypt hash for Crypt-PW (legacy md5-crypt, sha512-crypt verify too); a signature
by the contact's registered key for PGP (verified with gpg; a signature is good once only).

A sender that is a contact's address but not proven is asked to confirm at that address (`Verdict.ask`)
rather than refused or believed. A forwarded original (T13) counts as the administrative contact's
Delete only with its own DKIM signature of the contact's domain, once. Legacy mode
(`KZREG_MAIL_ACCEPT_UNPROVEN`) believes unproven addresses as before, and says so in `Verdict.how`.
Every reason for a refusal is a problem key told in the reply's language.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import gnupg

from kzreg.mail.dmarc import aligned
from kzreg.registry.models import Contact, SecurityScheme
from kzreg.registry.passwords import verify_password
from kzreg.template_mail.mime import Signature
from kzreg.template_mail.models import SeenSignature
from kzreg.template_mail.problems import FormProblem

log = logging.getLogger("kzreg.template_mail.authorization")
LEGACY = "unproven sender accepted in legacy mode (KZREG_MAIL_ACCEPT_UNPROVEN)"


@dataclass(frozen=True)
class Evidence:
    """What a request offers as proof: its sender (proven or not, by the intake's DMARC), the 0c
    password, its PGP signature, and the forwarded original it came in (its From and the intake's
    results for its DKIM signatures)."""

    sender: str
    password: str = ""
    signature: Signature | None = None
    forwarded_from: str = ""
    proven: bool = False
    legacy: bool = False  # KZREG_MAIL_ACCEPT_UNPROVEN
    dmarc: str = ""  # the intake's DMARC result, for the reason
    forwarded: dict = field(default_factory=dict)  # {"from": ..., "dkim": [{result, domain, ...}]}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    contact: Contact | None = None
    how: str = ""  # mail-from, crypt-pw, pgp, forwarded-delete (DKIM d=…), confirmed, …
    locked: bool = False  # a contact chose a scheme that was not satisfied: refuse, do not ask (T12)
    reasons: tuple[FormProblem, ...] = ()
    signature_digest: str = ""
    fingerprint: str = ""
    ask: tuple[Contact, ...] = ()  # the sender is these contacts' address, unproven: they confirm (T10)


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    fingerprint: str = ""
    digest: str = ""
    problem: str = ""  # a problem key


def signature_digest(signature: Signature) -> str:
    """Identifies a signature whatever the whitespace around it, to refuse replays."""
    if signature.detached:
        material = signature.detached
    else:
        text = signature.data.decode("utf-8", "replace")
        material = text[text.find("-----BEGIN PGP SIGNATURE-----") :].encode()
    return hashlib.sha256(b"".join(material.split())).hexdigest()


def verify_signature(signature: Signature, armored_key: str) -> SignatureCheck:
    """Verifies against one public key only, in a throw-away keyring."""
    digest = signature_digest(signature)
    with tempfile.TemporaryDirectory(prefix="kzreg-gpg-") as home:
        gpg = gnupg.GPG(gnupghome=home)
        gpg.import_keys(armored_key)
        if signature.detached:
            sig_path = Path(home) / "form.sig"
            sig_path.write_bytes(signature.detached)
            result = gpg.verify_data(str(sig_path), signature.data)
        else:
            result = gpg.verify(signature.data)
    if result.valid:
        return SignatureCheck(True, (result.pubkey_fingerprint or result.fingerprint or "").upper(), digest)
    if result.status == "no public key":
        return SignatureCheck(False, digest=digest, problem="auth_pgp_foreign")
    return SignatureCheck(False, digest=digest, problem="auth_pgp_invalid")


def _sender_matches(contact: Contact, sender: str) -> bool:
    return bool(sender) and sender.lower() in {e.lower() for e in contact.emails}


def _reason(key: str, **params: object) -> FormProblem:
    return FormProblem("", key, params)


def _mail_from(contact: Contact, evidence: Evidence) -> Verdict | None:
    """The sender's address for none/Mail-From: good when proven (or in legacy mode); None otherwise."""
    if evidence.proven:
        return Verdict(True, contact, "mail-from")
    if evidence.legacy:
        log.warning("%s: %s for %s", LEGACY, evidence.sender, contact.handle)
        return Verdict(True, contact, f"mail-from ({LEGACY})")
    return None


def authorize(contacts: Sequence[Contact | None], evidence: Evidence) -> Verdict:
    """Passes if the evidence satisfies the scheme of any one of `contacts`."""
    reasons: list[FormProblem] = []
    ask: list[Contact] = []
    locked = False
    seen: set[int] = set()
    for contact in contacts:
        if contact is None or contact.pk in seen:
            continue
        seen.add(contact.pk)
        scheme = contact.security_scheme
        locked = locked or scheme != SecurityScheme.NONE
        if scheme in (SecurityScheme.NONE, SecurityScheme.MAIL_FROM):
            if not _sender_matches(contact, evidence.sender):
                reasons.append(_reason("auth_not_email", sender=evidence.sender or "?", handle=contact.handle))
                continue
            verdict = _mail_from(contact, evidence)
            if verdict is not None:
                return verdict
            ask.append(contact)
            reasons.append(_reason("auth_unproven", sender=evidence.sender, dmarc=evidence.dmarc or "none"))
        elif scheme == SecurityScheme.CRYPT_PW:
            if verify_password(evidence.password, contact.crypt_hash):
                return Verdict(True, contact, "crypt-pw")
            reasons.append(_reason("auth_crypt_pw", handle=contact.handle))
        elif scheme == SecurityScheme.PGP:
            verdict = _pgp(contact, evidence)
            if verdict.ok:
                return verdict
            reasons.extend(verdict.reasons)
    return Verdict(False, locked=locked, reasons=tuple(reasons) or (_reason("auth_no_contact"),), ask=tuple(ask))


def _pgp(contact: Contact, evidence: Evidence) -> Verdict:
    if evidence.signature is None:
        return Verdict(False, reasons=(_reason("auth_pgp_required", handle=contact.handle),))
    if not contact.pgp_key:
        return Verdict(False, reasons=(_reason("auth_pgp_no_key", handle=contact.handle),))
    check = verify_signature(evidence.signature, contact.pgp_key)
    if not check.valid:
        return Verdict(False, reasons=(_reason(check.problem),))
    if check.fingerprint != contact.pgp_fingerprint.upper():
        return Verdict(False, reasons=(_reason("auth_pgp_foreign"),))
    if SeenSignature.objects.filter(digest=check.digest).exists():
        return Verdict(False, reasons=(_reason("signature_replayed"),))
    return Verdict(True, contact, "pgp", signature_digest=check.digest, fingerprint=check.fingerprint)


def forwarded_signature(admin_address: str, forwarded: dict) -> dict | None:
    """The forwarded original's DKIM signature that vouches for `admin_address`: it verified, its d= is
    aligned (relaxed) with the address's domain, and the original has exactly that one From address."""
    if not admin_address or forwarded.get("from", "") != admin_address.lower():
        return None
    domain = admin_address.rpartition("@")[2]
    for signature in forwarded.get("dkim", []):
        if signature.get("result") == "pass" and aligned(signature.get("domain", ""), domain):
            return signature
    return None


def authorize_transfer(admin: Contact, evidence: Evidence) -> Verdict:
    """T13: the current administrative contact's Delete: forwarded with its own DKIM signature, proven
    by Crypt-PW or PGP, or sent by the contact from a proven address.

    A contact who chose Crypt-PW or PGP must use it. A forwarded original from the contact's address
    without such a signature, or the contact's address unproven, is not refused but asked: the contact
    confirms at the address on record (`ask`) before anything changes. Anything else is returned.
    """
    scheme = admin.security_scheme
    if scheme in (SecurityScheme.CRYPT_PW, SecurityScheme.PGP):
        return authorize([admin], evidence)
    if evidence.password and admin.crypt_hash and verify_password(evidence.password, admin.crypt_hash):
        return Verdict(True, admin, "crypt-pw")
    if evidence.forwarded_from and _sender_matches(admin, evidence.forwarded_from):
        signature = forwarded_signature(evidence.forwarded_from, evidence.forwarded)
        if signature is not None:
            digest = hashlib.sha256(f"dkim:{signature['digest']}".encode()).hexdigest()
            if SeenSignature.objects.filter(digest=digest).exists():
                return Verdict(False, locked=True, reasons=(_reason("signature_replayed"),))
            how = f"forwarded-delete (DKIM d={signature['domain']} s={signature['selector']})"
            fingerprint = f"dkim:{signature['domain']}/{signature['selector']}"[:64]
            return Verdict(True, admin, how, signature_digest=digest, fingerprint=fingerprint)
        if evidence.legacy:
            log.warning("%s: forwarded Delete from %s for %s", LEGACY, evidence.forwarded_from, admin.handle)
            return Verdict(True, admin, f"forwarded-delete ({LEGACY})")
        reason = _reason("auth_forwarded_unsigned", sender=evidence.forwarded_from)
        return Verdict(False, reasons=(reason,), ask=(admin,))
    if _sender_matches(admin, evidence.sender):
        verdict = _mail_from(admin, evidence)
        if verdict is not None:
            return verdict
        reason = _reason("auth_unproven", sender=evidence.sender, dmarc=evidence.dmarc or "none")
        return Verdict(False, reasons=(reason,), ask=(admin,))
    return Verdict(False, locked=True, reasons=(_reason("auth_transfer", handle=admin.handle),))
