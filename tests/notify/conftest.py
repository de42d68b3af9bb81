"""A real SMTP relay for the outbox tests: aiosmtpd on 127.0.0.1, ephemeral port, scripted replies."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Relay:
    """Records what it accepts; `reply` (e.g. "451 try later") answers DATA instead; `refuse` rejects RCPTs."""

    received: list = field(default_factory=list)
    reply: str = ""
    refuse: dict = field(default_factory=dict)  # address -> "550 no such user"
    port: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


class EphemeralController(Controller):
    """aiosmtpd's Controller bound to port 0: learn the real port before its readiness probe connects."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def relay(settings):
    handler = Relay()
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    handler.port = controller.port
    settings.SMTP_RELAY = handler.address
    yield handler
    controller.stop()


@pytest.fixture
def eml_mode(settings, tmp_path):
    settings.SMTP_RELAY = ""
    settings.DATA_DIR = tmp_path
    return tmp_path / "outbox"
