"""Fixtures for the mail gateway: the real SMTP intake on an ephemeral port, golden e-mails, a PGP key,
and the loopback DNS world (`tests.mail.world`) as the resolver of every test here.

Mail is sent as a real MTA would: the envelope sender is the header From address, from 127.0.0.1 —
which the contacts' domains allow by SPF and cover by DMARC, so a contact's own mail is proven for
real; `send(..., source=ATTACKER_IP)` connects from an address they do not allow."""

from __future__ import annotations

import re
import smtplib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gnupg
import pytest

from kzreg.notify.models import OutboxMessage
from kzreg.template_mail.intake import IntakeController
from kzreg.template_mail.jobs import process_inbox
from kzreg.template_mail.mime import address_of
from kzreg.template_mail.models import InboundMessage, MailRequest
from tests.mail.conftest import mail_world, mail_world_session  # noqa: F401  (fixtures)

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "mail"
HOSTMASTER = "hostmaster@nic.kz"


def golden(name: str, **subs: str) -> bytes:
    data = (GOLDEN / name).read_bytes()
    for key, value in subs.items():
        data = data.replace(f"{{{{{key}}}}}".encode(), value.encode())
    return data


@dataclass
class Delivery:
    request: MailRequest
    replies: list[OutboxMessage]  # everything queued for this request, oldest first

    def to(self, address: str) -> list[OutboxMessage]:
        return [m for m in self.replies if address in m.to]

    def result(self) -> OutboxMessage:
        """The completion or rejection sent to the requester (the last reply quoting the number)."""
        return [m for m in self.replies if m.to == [self.request.sender]][-1]


class Intake:
    """The running intake and a client that talks SMTP to it."""

    def __init__(self, controller: IntakeController):
        self.host, self.port = controller.hostname, controller.port

    def send(
        self, raw: bytes, mail_from: str | None = None, rcpt: str = HOSTMASTER, source: str = "127.0.0.1"
    ) -> tuple[int, bytes]:
        """One SMTP conversation from `source`; the envelope sender is the header From unless given."""
        raw = re.sub(rb"\r?\n", b"\r\n", raw)  # on the wire every line ends in CRLF
        if mail_from is None:
            mail_from = header_from(raw)
        with smtplib.SMTP(self.host, self.port, timeout=10, source_address=(source, 0)) as client:
            client.ehlo()
            client.mail(mail_from)
            code, text = client.rcpt(rcpt)
            if code != 250:
                return code, text
            return client.data(raw)

    def deliver(self, raw: bytes, mail_from: str | None = None, source: str = "127.0.0.1") -> Delivery:
        """A real SMTP conversation, then the worker's job, then what was queued for the request."""
        code, text = self.send(raw, mail_from, source=source)
        assert code == 250, text
        stored = int(text.decode().rsplit("#", 1)[1])
        assert process_inbox() >= 1
        request = InboundMessage.objects.get(pk=stored).request
        assert request is not None
        replies = list(OutboxMessage.objects.filter(reference=request.tracking).order_by("id"))
        return Delivery(request, replies)


def header_from(raw: bytes) -> str:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    found = re.search(r"(?im)^From:(.*)$", head)
    return address_of(found.group(1)) if found else ""


@pytest.fixture(autouse=True)
def _dns_world(mail_world):  # noqa: F811
    """Every lookup of these tests goes to the loopback DNS server, never to the network."""
    return mail_world


def sign_forwarded(raw: bytes, world, domain: str = "example.kz", key_of: str = "") -> bytes:
    """A golden transfer with its forwarded original (the part after `message/rfc822`) DKIM-signed."""
    raw = re.sub(rb"\r?\n", b"\r\n", raw)
    head, marker, rest = raw.partition(b"Content-Type: message/rfc822\r\n\r\n")
    inner, delimiter, tail = rest.partition(b"\r\n--OUTER")
    assert marker and delimiter
    return head + marker + world.sign(inner, domain, key_of=key_of) + delimiter + tail


def stored(delivery: Delivery) -> InboundMessage:
    return delivery.request.messages.order_by("id").last()


@pytest.fixture(autouse=True)
def _isp_hosts(request):
    """The forms delegate to ns1/ns2.ps.kz: they exist, as in `tests.conftest.make_isp_hosts`."""
    if request.node.get_closest_marker("django_db") or "intake" in request.fixturenames:
        from tests.conftest import make_isp_hosts

        request.getfixturevalue("intake" if "intake" in request.fixturenames else "db")
        make_isp_hosts()


@pytest.fixture
def intake(transactional_db) -> Intake:  # needs committed rows: the intake stores on its own thread
    controller = IntakeController("127.0.0.1", 0)
    controller.start()
    try:
        yield Intake(controller)
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def pgp_home():
    """A throw-away keyring with two signing keys: the contact's and a stranger's."""
    with tempfile.TemporaryDirectory(prefix="kzreg-test-gpg-") as home:
        for uid in ("Ivan Grozny <ivan1@example.kz>", "Mallory <stranger@elsewhere.kz>"):
            subprocess.run(
                ["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
                 "--quick-gen-key", uid, "ed25519", "sign", "never"],
                check=True, capture_output=True,
            )  # fmt: skip
        yield home


def export_key(home: str, email: str) -> str:
    return gnupg.GPG(gnupghome=home).export_keys(email)


def clearsign(home: str, email: str, text: str) -> str:
    signed = gnupg.GPG(gnupghome=home).sign(text, keyid=email, clearsign=True)
    assert signed.data, signed.stderr
    return str(signed)


@pytest.fixture
def registered(make_domain, staff):
    """example.kz (admin ivan1@example.kz, registrant noc1@telecom.kz) served by ns1/ns2.ps.kz, and ps.kz,
    the ISP's own domain, whose technical contact is noc@ps.kz and administrative contact ivan7@example.kz."""
    from kzreg.registry.commands import NameServer
    from tests.conftest import org_contact, person

    make_domain("ps.kz", registrant=org_contact(7), admin=person(7), tech=person(8, emails="noc@ps.kz"))
    # hoster.kz with its own servers, which the Modify forms move example.kz to (a host lies in a registered domain)
    hoster_ns = (NameServer("ns1.hoster.kz", ("185.22.64.1",)), NameServer("ns2.hoster.kz", ("88.204.1.1",)))
    make_domain("hoster.kz", registrant=org_contact(9), admin=person(7), nameservers=hoster_ns)
    return make_domain("example.kz")


def set_scheme(contact, scheme: str, staff, **secrets) -> None:
    from kzreg.registry.commands import ModifyContact
    from kzreg.registry.operations import modify_contact

    modify_contact(ModifyContact(contact.handle, security_scheme=scheme, **secrets), staff)
