"""Who may change what (T9, T10, T12, T13): the contacts' security schemes checked against a request.

Each contact on record chooses none, Mail-From, Crypt-PW or PGP. A request passes when it satisfies
the scheme of one of the contacts that may act: the sender's address for none/Mail-From, the clear
password in 0c against the stored crypt hash for Crypt-PW (legacy md5-crypt, sha512-crypt verify too),
a signature by the contact's registered key for PGP (verified with gpg; a signature is good once only).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import gnupg

from kzreg.registry.models import Contact, SecurityScheme
from kzreg.registry.passwords import verify_password
from kzreg.template_mail.mime import Signature
from kzreg.template_mail.models import SeenSignature


@dataclass(frozen=True)
class Evidence:
    """What a request offers as proof: its sender, the 0c password, its signature, its forwarder."""

    sender: str
    password: str = ""
    signature: Signature | None = None
    forwarded_from: str = ""


@dataclass(frozen=True)
class Verdict:
    ok: bool
    contact: Contact | None = None
    how: str = ""  # mail-from, crypt-pw, pgp
    locked: bool = False  # a contact chose a scheme that was not satisfied: refuse, do not ask (T12)
    reason: str = ""
    signature_digest: str = ""
    fingerprint: str = ""


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    fingerprint: str = ""
    digest: str = ""
    problem: str = ""


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
        return SignatureCheck(False, digest=digest, problem="signed with a key that is not the contact's key")
    return SignatureCheck(False, digest=digest, problem="the PGP signature does not verify")


def _sender_matches(contact: Contact, sender: str) -> bool:
    return bool(sender) and sender.lower() in {e.lower() for e in contact.emails}


def authorize(contacts: Sequence[Contact | None], evidence: Evidence) -> Verdict:
    """Passes if the evidence satisfies the scheme of any one of `contacts`."""
    reasons: list[str] = []
    locked = False
    seen: set[int] = set()
    for contact in contacts:
        if contact is None or contact.pk in seen:
            continue
        seen.add(contact.pk)
        scheme = contact.security_scheme
        locked = locked or scheme != SecurityScheme.NONE
        if scheme in (SecurityScheme.NONE, SecurityScheme.MAIL_FROM):
            if _sender_matches(contact, evidence.sender):
                return Verdict(True, contact, "mail-from")
            reasons.append(f"{evidence.sender or '?'} is not the e-mail of {contact.handle}")
        elif scheme == SecurityScheme.CRYPT_PW:
            if verify_password(evidence.password, contact.crypt_hash):
                return Verdict(True, contact, "crypt-pw")
            reasons.append(f"the Crypt-PW password in 0c does not match {contact.handle}")
        elif scheme == SecurityScheme.PGP:
            verdict = _pgp(contact, evidence)
            if verdict.ok:
                return verdict
            reasons.append(verdict.reason)
    return Verdict(False, locked=locked, reason="; ".join(reasons) or "no contact on record")


def _pgp(contact: Contact, evidence: Evidence) -> Verdict:
    if evidence.signature is None:
        return Verdict(False, reason=f"{contact.handle} requires a PGP-signed form")
    if not contact.pgp_key:
        return Verdict(False, reason=f"{contact.handle} has no PGP key on record")
    check = verify_signature(evidence.signature, contact.pgp_key)
    if not check.valid:
        return Verdict(False, reason=check.problem)
    if check.fingerprint != contact.pgp_fingerprint.upper():
        return Verdict(False, reason="signed with a key that is not the contact's key")
    if SeenSignature.objects.filter(digest=check.digest).exists():
        return Verdict(False, reason="this signed form was already used once (replay refused)")
    return Verdict(True, contact, "pgp", signature_digest=check.digest, fingerprint=check.fingerprint)


def authorize_transfer(admin: Contact, evidence: Evidence) -> Verdict:
    """T13: the current administrative contact's Delete, forwarded intact or proven by Crypt-PW or PGP.

    A contact who chose Crypt-PW or PGP must use it; otherwise the Delete must come from (or be a
    forwarded message from) the contact's address as in WHOIS.
    """
    scheme = admin.security_scheme
    if scheme in (SecurityScheme.CRYPT_PW, SecurityScheme.PGP):
        return authorize([admin], evidence)
    if evidence.password and admin.crypt_hash and verify_password(evidence.password, admin.crypt_hash):
        return Verdict(True, admin, "crypt-pw")
    if evidence.forwarded_from and _sender_matches(admin, evidence.forwarded_from):
        return Verdict(True, admin, "forwarded-delete")
    if _sender_matches(admin, evidence.sender):
        return Verdict(True, admin, "mail-from")
    return Verdict(
        False, locked=True, reason=f"the Delete is not from {admin.handle} (forwarded intact, Crypt-PW or PGP)"
    )
