"""The mail gateway proves, the registry decides (issue 10): `proving` turns what a form offers into a
`MailProof` — here the PGP part, with real gpg keys: the signature names its key, only a key on record with
that id is tried, and the proof says which registered key signed (or that the text was altered)."""

from __future__ import annotations

import pytest

from kzreg.registry.models import Contact
from kzreg.template_mail.mime import Signature
from kzreg.template_mail.models import SeenSignature
from kzreg.template_mail.proving import check_signature, prove
from tests.template_mail.conftest import clearsign, export_key

pytestmark = pytest.mark.django_db
TEXT = "0a. Action..............: M\n2.  Domain Name.........: example.kz\n"


def _register(contact: Contact, pgp_home: str, email: str) -> str:
    from kzreg.registry.pgp import key_fingerprint

    key = export_key(pgp_home, email)
    fingerprint = key_fingerprint(key)
    assert fingerprint
    Contact.objects.filter(pk=contact.pk).update(pgp_key=key, pgp_fingerprint=fingerprint)
    return fingerprint


def _signed(pgp_home: str, email: str, text: str = TEXT) -> Signature:
    return Signature(clearsign(pgp_home, email, text).encode())


def test_a_signature_by_a_registered_key_names_that_key(registered, pgp_home):
    fingerprint = _register(registered.admin_contact, pgp_home, "ivan1@example.kz")
    check = check_signature(_signed(pgp_home, "ivan1@example.kz"))
    assert (check.fingerprint, check.invalid) == (fingerprint, False)


def test_a_strangers_key_is_not_on_record_and_an_altered_text_does_not_verify(registered, pgp_home):
    _register(registered.admin_contact, pgp_home, "ivan1@example.kz")
    stranger = check_signature(_signed(pgp_home, "stranger@elsewhere.kz"))
    assert (stranger.fingerprint, stranger.invalid) == ("", False)
    signed = clearsign(pgp_home, "ivan1@example.kz", TEXT).replace("example.kz", "exampla.kz", 1)
    altered = check_signature(Signature(signed.encode()))
    assert (altered.fingerprint, altered.invalid) == ("", True)
    assert check_signature(Signature(b"-----BEGIN PGP SIGNED MESSAGE-----\n\nnot a signature")).invalid


def test_the_proof_carries_the_password_unseen_and_a_used_signature_as_replayed(registered, pgp_home):
    _register(registered.admin_contact, pgp_home, "ivan1@example.kz")
    signature = _signed(pgp_home, "ivan1@example.kz")
    material = prove("ivan1@example.kz", proven=True, legacy=False, dmarc="pass", password="s3cret",
                     signature=signature, forwarded_from="", forwarded={})  # fmt: skip
    assert material.proof.password == "s3cret" and "s3cret" not in repr(material.proof)
    assert material.proof.signed and not material.proof.signature_replayed and len(material.signatures) == 1
    digest, fingerprint = next(iter(material.signatures.items()))
    SeenSignature.objects.create(digest=digest, fingerprint=fingerprint, first_seen=registered.created_at)
    again = prove("ivan1@example.kz", proven=True, legacy=False, dmarc="pass", password="",
                  signature=signature, forwarded_from="", forwarded={})  # fmt: skip
    assert again.proof.signature_replayed
