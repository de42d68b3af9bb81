"""A small mail world for tests: a loopback DNS server publishing SPF, DKIM keys and DMARC policies for
test domains, real RSA keys to sign messages with, and the resolver pointed at it.

Domains: the contacts' own (example.kz, telecom.kz, ps.kz, astana-digital.kz, elsewhere.kz) allow only
127.0.0.1 by SPF and publish `p=reject`; evil.kz (the attacker's) allows all of 127.0.0.0/8 and signs
with its own key; nodmarc.kz passes SPF but publishes no DMARC policy. Legitimate mail is sent from
127.0.0.1, the attacker's from 127.0.0.66.
"""

from __future__ import annotations

import base64
import re
import subprocess
from dataclasses import dataclass, field

import dkim

from tests.dnsserver import DnsServer, Records

HOME_DOMAINS = ("example.kz", "telecom.kz", "ps.kz", "astana-digital.kz", "elsewhere.kz")
SELECTOR = "sel"
ATTACKER_IP = "127.0.0.66"


def new_key() -> tuple[bytes, str]:
    """(PKCS#1 private key PEM, base64 public key for the `p=` tag), made by openssl."""
    private = subprocess.run(["openssl", "genrsa", "-traditional", "1024"], check=True, capture_output=True).stdout
    public = subprocess.run(
        ["openssl", "rsa", "-pubout", "-outform", "DER"], input=private, check=True, capture_output=True
    ).stdout
    return private, base64.b64encode(public).decode()


@dataclass
class MailWorld:
    dns: DnsServer
    keys: dict[str, bytes] = field(default_factory=dict)

    def sign(self, raw: bytes, domain: str, selector: str = SELECTOR, key_of: str = "", length: bool = False) -> bytes:
        """`raw` with a DKIM-Signature of `domain` on top (signed with `key_of`'s key when given)."""
        raw = re.sub(rb"\r?\n", b"\r\n", raw)
        headers = [b"from", b"to", b"subject", b"message-id", b"content-type"]
        signature = dkim.sign(
            raw, selector.encode(), domain.encode(), self.keys[key_of or domain], include_headers=headers,
            length=length,
        )  # fmt: skip
        return signature + raw


def build_world() -> MailWorld:
    records = Records()
    world = MailWorld(DnsServer(records))
    for domain in (*HOME_DOMAINS, "evil.kz"):
        private, public = new_key()
        world.keys[domain] = private
        records.txt(f"{SELECTOR}._domainkey.{domain}", f"v=DKIM1; k=rsa; p={public}")
    for domain in HOME_DOMAINS:
        records.txt(domain, "v=spf1 ip4:127.0.0.1 -all")
        records.txt(f"_dmarc.{domain}", "v=DMARC1; p=reject; rua=mailto:dmarc@" + domain)
    records.txt("evil.kz", "v=spf1 ip4:127.0.0.0/8 -all")
    records.txt("_dmarc.evil.kz", "v=DMARC1; p=none")
    records.txt("nodmarc.kz", "v=spf1 ip4:127.0.0.0/8 -all")
    world.dns.start()
    return world
