"""The contacts' security schemes (T9, T13) checked against a mail proof: the registry's rule.

Each contact on record chooses none, Mail-From, Crypt-PW or PGP. A proof satisfies a group of contacts
when it satisfies the scheme of one of them: for none/Mail-From the sender's address, only when the
gateway proved it (DMARC) or in legacy mode; the clear 0c password against the contact's stored hash for
Crypt-PW; a signature by the contact's registered key for PGP, once. A contact's address that is not
proven is not refused but asked to confirm (`Check.ask`). A forwarded original (T13) counts as the
administrative contact's Delete only with its own DKIM signature, once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from kzreg.core.errors import Problem
from kzreg.registry.authority.codes import AuthorityCode
from kzreg.registry.authority.proof import MailProof
from kzreg.registry.models import Contact, SecurityScheme
from kzreg.registry.passwords import verify_password

log = logging.getLogger("kzreg.registry.authority")
LEGACY = "unproven sender accepted in legacy mode (KZREG_MAIL_ACCEPT_UNPROVEN)"


@dataclass(frozen=True)
class Check:
    """How a proof fared against a group of contacts."""

    ok: bool
    contact: Contact | None = None
    how: str = ""  # mail-from, crypt-pw, pgp, forwarded-delete (DKIM d=…), confirmed, …
    locked: bool = False  # a contact chose a scheme that was not satisfied: refuse, do not ask (T12)
    reasons: tuple[Problem, ...] = ()
    ask: tuple[Contact, ...] = ()  # the sender is these contacts' address, unproven: they confirm (T10)
    signature_used: bool = False  # the verdict rests on the form's signature (the gateway marks it used)


def reason(code: AuthorityCode, **params: object) -> Problem:
    return Problem("", code, params)


def sender_matches(contact: Contact, sender: str) -> bool:
    return bool(sender) and sender.lower() in {e.lower() for e in contact.emails}


def _mail_from(contact: Contact, proof: MailProof) -> Check | None:
    """The sender's address for none/Mail-From: good when proven (or in legacy mode); None otherwise."""
    if proof.sender_proven:
        return Check(True, contact, "mail-from")
    if proof.legacy:
        log.warning("%s: %s for %s", LEGACY, proof.sender, contact.handle)
        return Check(True, contact, f"mail-from ({LEGACY})")
    return None


def _pgp(contact: Contact, proof: MailProof) -> Check:
    if not proof.signed:
        return Check(False, reasons=(reason(AuthorityCode.PGP_REQUIRED, handle=contact.handle),))
    if not contact.pgp_key:
        return Check(False, reasons=(reason(AuthorityCode.PGP_NO_KEY, handle=contact.handle),))
    if proof.signature_invalid:
        return Check(False, reasons=(reason(AuthorityCode.PGP_INVALID),))
    if not proof.signature_fingerprint or proof.signature_fingerprint.upper() != contact.pgp_fingerprint.upper():
        return Check(False, reasons=(reason(AuthorityCode.PGP_FOREIGN),))
    if proof.signature_replayed:
        return Check(False, reasons=(reason(AuthorityCode.SIGNATURE_REPLAYED),))
    return Check(True, contact, "pgp", signature_used=True)


def satisfies(contacts: Sequence[Contact | None], proof: MailProof) -> Check:
    """Passes if the proof satisfies the scheme of any one of `contacts`."""
    reasons: list[Problem] = []
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
            if not sender_matches(contact, proof.sender):
                reasons.append(reason(AuthorityCode.NOT_EMAIL, sender=proof.sender or "?", handle=contact.handle))
                continue
            check = _mail_from(contact, proof)
            if check is not None:
                return check
            ask.append(contact)
            reasons.append(reason(AuthorityCode.UNPROVEN, sender=proof.sender, dmarc=proof.dmarc or "none"))
        elif scheme == SecurityScheme.CRYPT_PW:
            if verify_password(proof.password, contact.crypt_hash):
                return Check(True, contact, "crypt-pw")
            reasons.append(reason(AuthorityCode.CRYPT_PW, handle=contact.handle))
        elif scheme == SecurityScheme.PGP:
            check = _pgp(contact, proof)
            if check.ok:
                return check
            reasons.extend(check.reasons)
    return Check(False, locked=locked, reasons=tuple(reasons) or (reason(AuthorityCode.NO_CONTACT),), ask=tuple(ask))


def satisfies_transfer(admin: Contact, proof: MailProof) -> Check:
    """T13: the current administrative contact's Delete: forwarded with its own DKIM signature, proven by
    Crypt-PW or PGP, or sent by the contact from a proven address.

    A contact who chose Crypt-PW or PGP must use it. A forwarded original from the contact's address
    without such a signature, or the contact's address unproven, is asked: the contact confirms at the
    address on record before anything changes. Anything else is refused."""
    if admin.security_scheme in (SecurityScheme.CRYPT_PW, SecurityScheme.PGP):
        return satisfies([admin], proof)
    if proof.password and admin.crypt_hash and verify_password(proof.password, admin.crypt_hash):
        return Check(True, admin, "crypt-pw")
    if proof.forwarded_from and sender_matches(admin, proof.forwarded_from):
        if proof.forwarded_dkim:
            if proof.forwarded_replayed:
                return Check(False, locked=True, reasons=(reason(AuthorityCode.SIGNATURE_REPLAYED),))
            return Check(True, admin, f"forwarded-delete (DKIM {proof.forwarded_dkim})", signature_used=True)
        if proof.legacy:
            log.warning("%s: forwarded Delete from %s for %s", LEGACY, proof.forwarded_from, admin.handle)
            return Check(True, admin, f"forwarded-delete ({LEGACY})")
        unsigned = reason(AuthorityCode.FORWARDED_UNSIGNED, sender=proof.forwarded_from)
        return Check(False, reasons=(unsigned,), ask=(admin,))
    if sender_matches(admin, proof.sender):
        check = _mail_from(admin, proof)
        if check is not None:
            return check
        unproven = reason(AuthorityCode.UNPROVEN, sender=proof.sender, dmarc=proof.dmarc or "none")
        return Check(False, reasons=(unproven,), ask=(admin,))
    return Check(False, locked=True, reasons=(reason(AuthorityCode.TRANSFER, handle=admin.handle),))
