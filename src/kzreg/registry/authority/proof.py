"""What the mail gateway proved about a request, handed to the registry with the actor (`Actor.proof`).

PROVING is the gateway's: the intake's DMARC result for the sender, the gpg verification of a signature
against the registered keys, the DKIM result of a forwarded original, its replay store, and the token a
contact sent back from the address on record. DECIDING is the registry's (`authority.mail`): which contact
may act, under which scheme, and what happens otherwise.

The one secret here is the Crypt-PW password of 0c, in clear: the registry checks it against the contact's
stored hash itself (`registry.passwords`), because the hash is registry data that no adapter should read.
It is never stored (the actor's proof is not copied into history) and never shown (`repr=False`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MailProof:
    sender: str  # the header From address, lowercase ("" when none)
    sender_proven: bool = False  # the intake proved it (DMARC pass, T9's interpretation)
    legacy: bool = False  # KZREG_MAIL_ACCEPT_UNPROVEN: unproven addresses are believed, with a warning
    dmarc: str = ""  # the intake's DMARC result, told in a refusal
    password: str = field(default="", repr=False)  # 0c in clear (Crypt-PW): checked by the registry
    signed: bool = False  # the form carried a PGP signature
    signature_fingerprint: str = ""  # the registered key that verifiably signed the form
    signature_invalid: bool = False  # a signature by a registered key that does not verify (altered form)
    signature_replayed: bool = False  # the gateway's replay store has seen this signature before
    forwarded_from: str = ""  # From of a forwarded original (T13), lowercase
    forwarded_dkim: str = ""  # "d=… s=…" of its DKIM signature that verified, aligned with forwarded_from
    forwarded_replayed: bool = False  # that DKIM signature was used before
    confirmed_by: str = ""  # handle of the contact who confirmed at its address on record (T10)
    written: str = ""  # a written authorization registry staff recorded (T13 fax): "fax: <reference>"

    def describe(self) -> str:
        return f"mail from {self.sender or '?'}"
