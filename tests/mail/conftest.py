"""The loopback DNS world for the inbound-mail tests (see `tests.mail.world`)."""

from __future__ import annotations

import pytest

from tests.mail.world import MailWorld, build_world


@pytest.fixture(scope="session")
def mail_world_session():
    world = build_world()
    yield world
    world.dns.stop()


@pytest.fixture
def mail_world(mail_world_session, monkeypatch) -> MailWorld:
    """The world's DNS server as the configured resolver (`KZREG_DNS_RESOLVER`), one second per lookup."""
    monkeypatch.setenv("KZREG_DNS_RESOLVER", mail_world_session.dns.address)
    monkeypatch.setenv("KZREG_DNS_TIMEOUT", "1")
    return mail_world_session
