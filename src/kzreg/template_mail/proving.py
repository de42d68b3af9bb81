"""What the mail gateway proves about a form, for the registry to decide on (T9–T13).

The gateway's job is proving who sent a form; whether that sender may make the change is the registry's
(`kzreg.registry.authority`). Proven here: the sender address (the intake's DMARC result,
`kzreg.mail.authentication`), a PGP signature (gpg, against the registered key the signature names, in a
throw-away keyring), a forwarded original's DKIM signature aligned with its From (T13), and whether a
signature was used before (the replay store, `SeenSignature`). The 0c password goes to the registry in
clear: the registry checks it against the contact's stored hash, which no adapter reads.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gnupg

from kzreg.core import clock
from kzreg.mail.dmarc import aligned
from kzreg.registry.authority import MailProof
from kzreg.registry.models import Contact
from kzreg.template_mail.mime import Signature
from kzreg.template_mail.models import MailRequest, SeenSignature

KEYS_PER_ID = 8  # registered keys tried for one signing key id (a 64-bit id: a collision is deliberate)


@dataclass(frozen=True)
class SignatureCheck:
    """A PGP signature as gpg judged it: signed by `fingerprint` (a registered key), or `invalid`."""

    digest: str
    fingerprint: str = ""
    invalid: bool = False


@dataclass(frozen=True)
class Material:
    """What a form offered, proven: the proof for the registry and the signatures to mark used once the
    request succeeds (digest → fingerprint)."""

    proof: MailProof
    signatures: dict[str, str]


def signature_digest(signature: Signature) -> str:
    """Identifies a signature whatever the whitespace around it, to refuse replays."""
    if signature.detached:
        material = signature.detached
    else:
        text = signature.data.decode("utf-8", "replace")
        material = text[text.find("-----BEGIN PGP SIGNATURE-----") :].encode()
    return hashlib.sha256(b"".join(material.split())).hexdigest()


def _verify(gpg: gnupg.GPG, signature: Signature, home: str):  # type: ignore[no-untyped-def]
    if signature.detached:
        sig_path = Path(home) / "form.sig"
        sig_path.write_bytes(signature.detached)
        return gpg.verify_data(str(sig_path), signature.data)
    return gpg.verify(signature.data)


def registered_keys(key_id: str) -> list[str]:
    """The public keys on record whose fingerprint ends with the signature's key id."""
    query = Contact.objects.filter(pgp_fingerprint__iendswith=key_id).exclude(pgp_key="")
    return list(query.values_list("pgp_key", flat=True).distinct()[:KEYS_PER_ID])


def check_signature(signature: Signature) -> SignatureCheck:
    """Which registered key signed the form: the signature names its key id; only keys on record with that
    id are imported, into a keyring of its own. No key on record: `fingerprint` stays empty (a stranger's
    key); a key on record that does not verify the text: `invalid` (an altered form)."""
    digest = signature_digest(signature)
    with tempfile.TemporaryDirectory(prefix="kzreg-gpg-") as home:
        gpg = gnupg.GPG(gnupghome=home)
        key_id = (_verify(gpg, signature, home).key_id or "").upper()
        if not key_id:
            return SignatureCheck(digest, invalid=True)
        keys = registered_keys(key_id)
        if not keys:
            return SignatureCheck(digest)
        for key in keys:
            gpg.import_keys(key)
        result = _verify(gpg, signature, home)
    if result.valid:
        return SignatureCheck(digest, (result.pubkey_fingerprint or result.fingerprint or "").upper())
    return SignatureCheck(digest, invalid=True)


def forwarded_signature(forwarded_from: str, forwarded: dict) -> dict | None:
    """The forwarded original's DKIM signature that vouches for `forwarded_from`: it verified, its d= is
    aligned (relaxed) with the address's domain, and the original has exactly that one From address."""
    if not forwarded_from or forwarded.get("from", "") != forwarded_from.lower():
        return None
    domain = forwarded_from.rpartition("@")[2]
    for signature in forwarded.get("dkim", []):
        if signature.get("result") == "pass" and aligned(signature.get("domain", ""), domain):
            return signature
    return None


def _seen(digest: str) -> bool:
    return SeenSignature.objects.filter(digest=digest).exists()


def prove(
    sender: str, *, proven: bool, legacy: bool, dmarc: str, password: str, signature: Signature | None,
    forwarded_from: str, forwarded: dict, confirmed_by: str = "", written: str = "",
) -> Material:  # fmt: skip
    """Everything a form offers, proven as far as the gateway can."""
    signatures: dict[str, str] = {}
    pgp = check_signature(signature) if signature is not None else None
    if pgp is not None and pgp.fingerprint:
        signatures[pgp.digest] = pgp.fingerprint
    dkim = forwarded_signature(forwarded_from, forwarded)
    dkim_digest = hashlib.sha256(f"dkim:{dkim['digest']}".encode()).hexdigest() if dkim else ""
    if dkim is not None:
        signatures[dkim_digest] = f"dkim:{dkim['domain']}/{dkim['selector']}"[:64]
    proof = MailProof(
        sender=sender, sender_proven=proven, legacy=legacy, dmarc=dmarc, password=password,
        signed=signature is not None, signature_fingerprint=pgp.fingerprint if pgp else "",
        signature_invalid=bool(pgp and pgp.invalid), signature_replayed=bool(pgp and pgp.fingerprint and _seen(pgp.digest)),
        forwarded_from=forwarded_from.lower(),
        forwarded_dkim=f"d={dkim['domain']} s={dkim['selector']}" if dkim else "",
        forwarded_replayed=bool(dkim) and _seen(dkim_digest), confirmed_by=confirmed_by, written=written,
    )  # fmt: skip
    return Material(proof, signatures)


def mark_used(material: Material, request: MailRequest) -> None:
    """The signatures of a request that succeeded are good once only (a replay is refused)."""
    for digest, fingerprint in material.signatures.items():
        SeenSignature.objects.get_or_create(
            digest=digest, defaults={"fingerprint": fingerprint, "first_seen": clock.now(), "request": request}
        )
