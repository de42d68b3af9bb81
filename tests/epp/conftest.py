"""EPP test fixtures: certificates in a temporary CA, a real TLS server on a free loopback port (a thread
of this pytest process, so it sees the test database), registrars with EPP access, logged-in clients,
and a schema check of every frame the project's client sends and receives.

Every response any test receives is validated against the RFCs' schemas (`/work/shared/epp-xsd/`, found
beside the project as `../shared/epp-xsd`, or `KZREG_EPP_XSD_DIR`) plus kzreg's `kz-1.0.xsd`; requests
sent with `EppClient.request` too, unless the test is marked `invalid_requests` (bad-input tests).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from kzreg.epp import client as epp_client
from kzreg.epp import namespaces, session_render
from kzreg.epp.access import FailureLimiter, Gatekeeper, set_access
from kzreg.epp.certs import Authority, LocalPki
from kzreg.epp.framing import Limits
from kzreg.epp.server import EppServer, ServerConfig
from kzreg.epp.session import ServerContext
from kzreg.registry.zones import forget_zones

ROOT = Path(__file__).resolve().parents[2]
KZ_XSD = ROOT / "src" / "kzreg" / "epp" / "schemas" / "kz-1.0.xsd"
PASSWORD = "correct-horse-7"
OTHER_PASSWORD = "battery-staple-9"
# In dependency order: a schema's imports (by namespace, without location) are already loaded.
XSD_FILES = (
    "eppcom-1.0.xsd", "epp-1.0.xsd", "host-1.0.xsd", "contact-1.0.xsd", "domain-1.0.xsd", "secDNS-1.1.xsd",
    "rgp-1.0.xsd", "fee-1.0.xsd", "loginSec-1.0.xsd", "changePoll-1.0.xsd", "rgp-poll-1.0.xsd",
    "lowbalance-poll-1.0.xsd",
)  # fmt: skip


def xsd_folder() -> Path:
    for candidate in (os.environ.get("KZREG_EPP_XSD_DIR"), ROOT.parent / "shared" / "epp-xsd", "/work/shared/epp-xsd"):
        if candidate and (Path(candidate) / "epp-1.0.xsd").exists():
            return Path(candidate)
    raise RuntimeError("the EPP schemas are missing: set KZREG_EPP_XSD_DIR to the folder of epp-1.0.xsd")


def _namespace(path: Path) -> str:
    return str(etree.parse(str(path)).getroot().get("targetNamespace"))


def build_schema() -> etree.XMLSchema:
    """One schema for everything: a wrapper that imports each RFC schema and kzreg's own by location."""
    folder = xsd_folder()
    paths = [folder / name for name in XSD_FILES]
    if KZ_XSD.exists():
        paths.append(KZ_XSD)
    imports = "".join(f'<xs:import namespace="{_namespace(p)}" schemaLocation="{p.as_uri()}"/>' for p in paths)
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=folder.as_uri() + "/"))


@pytest.fixture(scope="session")
def epp_schema() -> etree.XMLSchema:
    return build_schema()


def schema_errors(schema: etree.XMLSchema, payload: bytes) -> list[str]:
    document = etree.fromstring(payload, etree.XMLParser(resolve_entities=False, no_network=True))
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@pytest.fixture(autouse=True)
def _every_frame_validates(request, epp_schema) -> Iterator[None]:
    """Fails the test when the server sends a frame the schemas reject, or the client sends one (unless
    the test sends broken input on purpose: `@pytest.mark.invalid_requests`)."""
    received: list[str] = []

    def check_received(payload: bytes) -> None:
        errors = schema_errors(epp_schema, payload)
        if errors:
            received.append(f"{payload.decode(errors='replace')}\n  " + "\n  ".join(errors))
            raise AssertionError("the server sent a frame the EPP schemas reject:\n" + received[-1])

    def check_sent(payload: bytes) -> None:
        errors = schema_errors(epp_schema, payload)
        if errors:
            raise AssertionError(
                "the test sent a request the EPP schemas reject:\n" + payload.decode(errors="replace") + "\n  "
                + "\n  ".join(errors)
            )  # fmt: skip

    epp_client.RECEIVE_HOOKS.append(check_received)
    validate_requests = request.node.get_closest_marker("invalid_requests") is None
    if validate_requests:
        epp_client.SEND_HOOKS.append(check_sent)
    try:
        yield
    finally:
        epp_client.RECEIVE_HOOKS.remove(check_received)
        if validate_requests:
            epp_client.SEND_HOOKS.remove(check_sent)
    assert not received, "invalid frames were received"


@pytest.fixture(autouse=True)
def _responses_render_as_trees(monkeypatch) -> Iterator[list[bytes]]:
    """Every response the server writes in these tests is also rendered as an lxml tree (the renderer of
    every shape), and the two must be the same bytes: the plain-success frames written as bytes
    (`session_render.response`) are checked on everything the suite answers. Yields the frames rendered
    without the tree, so a test can see that the fast way was taken."""
    fast_frames: list[bytes] = []
    render = session_render.response

    def both(answer, lang, client_trid, server_trid):  # type: ignore[no-untyped-def]
        frame = render(answer, lang, client_trid, server_trid)  # first: the tree's appends move the elements
        tree = session_render.tree_response(answer, lang, client_trid, server_trid)
        assert frame == tree, f"byte rendering differs from the tree's:\n{frame!r}\n{tree!r}"
        if answer.results and not answer.results[0].problems and answer.message_queue is None:
            fast_frames.append(frame)
        return frame

    monkeypatch.setattr(session_render, "response", both)
    yield fast_frames


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Production hashes EPP passwords with Django's default PBKDF2 (deliberately slow, ~0.5 s); the tests
    check the same rules with a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_zones() -> Iterator[None]:
    """The server's tests flush the database between tests (its threads need committed rows), so zones come
    back with new ids: the process's cached zone policies must go before and after each test."""
    forget_zones()
    yield
    forget_zones()


@dataclass(frozen=True)
class Pki:
    """A CA, the server's certificate, clients' certificates (`cert(handle)`, `key(handle)`), and a stranger
    whose certificate another CA signed."""

    local: LocalPki
    stranger_cert: Path
    stranger_key: Path

    @property
    def ca(self) -> Path:
        return self.local.ca_cert

    def cert(self, handle: str) -> Path:
        return self.local.client_cert(handle)

    def key(self, handle: str) -> Path:
        return self.local.client_key(handle)


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    local = LocalPki(tmp_path_factory.mktemp("epp-pki") / "epp")
    local.ensure()
    for handle in ("PS-KZ", "HOSTER-KZ", "SPARE"):
        local.issue_client(handle)
    other = Authority.create("another CA")
    folder = local.folder
    other.issue_to(folder / "stranger.crt", folder / "stranger.key", "PS-KZ", client=True)
    return Pki(local, folder / "stranger.crt", folder / "stranger.key")


TEST_LIMITS = Limits(
    max_frame=64 * 1024, idle_timeout=30.0, frame_timeout=2.0, write_timeout=2.0, handshake_timeout=5.0
)


@pytest.fixture
def epp_limits() -> Limits:
    """The server's limits in a test (override in a module to shorten a timeout)."""
    return TEST_LIMITS


@pytest.fixture
def epp_context() -> ServerContext:
    return ServerContext(gatekeeper=Gatekeeper(FailureLimiter(limit=10, window=300)), status_ttl=0.0)


@pytest.fixture
def epp_server(django_db_serialized_rollback, transactional_db, pki, epp_limits, epp_context) -> Iterator[EppServer]:
    """A running EPP server on 127.0.0.1 and a free port, in a thread of this process. Its threads read
    committed rows, so the test database is transactional; the rows the migrations made (zones) are put back
    before each test (serialized rollback)."""
    config = ServerConfig(
        cert=pki.local.server_cert, key=pki.local.server_key, client_ca=pki.ca, host="127.0.0.1", port=0,
        limits=epp_limits, max_sessions=32,
    )  # fmt: skip
    server = EppServer(config, epp_context)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def epp_registrar(django_db_serialized_rollback, transactional_db, registrar, pki):
    """PS-KZ (tests/conftest.py's registrar) with EPP access: `PASSWORD`, its certificate, loopback."""
    set_access(registrar, password=PASSWORD, certificates=[pki.cert("PS-KZ").read_bytes()], networks=None)
    return registrar


@pytest.fixture
def other_epp_registrar(django_db_serialized_rollback, transactional_db, other_registrar, pki):
    """HOSTER-KZ with its own EPP access (`OTHER_PASSWORD`, its own certificate)."""
    set_access(
        other_registrar, password=OTHER_PASSWORD, certificates=[pki.cert("HOSTER-KZ").read_bytes()], networks=None
    )
    return other_registrar


@pytest.fixture
def connect(epp_server, pki) -> Iterator[Callable[..., epp_client.EppClient]]:
    """`connect(handle="PS-KZ", cert=None, key=None, certificate=True)` → a connected client (greeting
    read). `certificate=False` connects without a client certificate."""
    clients: list[epp_client.EppClient] = []

    def make(handle: str = "PS-KZ", *, cert: Path | None = None, key: Path | None = None, certificate: bool = True,
             **options) -> epp_client.EppClient:  # fmt: skip
        client = epp_client.EppClient(
            "127.0.0.1", epp_server.port, cafile=str(pki.ca),
            certfile=str(cert or pki.cert(handle)) if certificate else None,
            keyfile=str(key or pki.key(handle)) if certificate else None,
            server_hostname="localhost", timeout=10, **options,
        )  # fmt: skip
        client.connect()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def epp(connect, epp_registrar) -> epp_client.EppClient:
    """A client logged in as PS-KZ (language en)."""
    client = connect("PS-KZ")
    reply = client.login("PS-KZ", PASSWORD)
    assert reply.code == 1000, reply.raw
    return client


@pytest.fixture
def other_epp(connect, other_epp_registrar) -> epp_client.EppClient:
    """A client logged in as HOSTER-KZ."""
    client = connect("HOSTER-KZ")
    reply = client.login("HOSTER-KZ", OTHER_PASSWORD)
    assert reply.code == 1000, reply.raw
    return client


__all__ = ["OTHER_PASSWORD", "PASSWORD", "namespaces"]
