"""Certificates for EPP: a local CA, the server's certificate for localhost, client certificates for the
demo registrars, and the SHA-256 fingerprints that pin a client certificate to a registrar.

A production registry brings its own server certificate (`KZREG_EPP_CERT`, `KZREG_EPP_KEY`) and may name
the CA that signs its registrars' client certificates (`KZREG_EPP_CLIENT_CA`). When none is given, `kzreg
up` makes this local CA in `$KZREG_DATA_DIR/epp/` so that a fresh install speaks TLS at once; clients
trust its `ca.crt`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
LEAF_DAYS = 825


def fingerprint(certificate: x509.Certificate | bytes) -> str:
    """SHA-256 over the DER encoding, 64 lowercase hex digits (what `openssl x509 -fingerprint -sha256`
    prints, without colons). Accepts a certificate or its DER bytes (what `ssl` gives for the peer)."""
    if isinstance(certificate, bytes):  # the digest of the DER itself: no parse (a login computes it)
        return hashlib.sha256(certificate).hexdigest()
    return certificate.fingerprint(hashes.SHA256()).hex()


def load_pem(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM file; ValueError when there is none or one is damaged."""
    certificates = x509.load_pem_x509_certificates(data)
    if not certificates:
        raise ValueError("no certificate in the file")
    return certificates


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kzreg"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])  # fmt: skip


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def _write_cert(path: Path, certificate: x509.Certificate) -> None:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


@dataclass(frozen=True)
class Authority:
    """A CA able to sign leaf certificates."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @classmethod
    def create(cls, common_name: str = "kzreg local EPP CA") -> Authority:
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(_name(common_name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(certificate, key)

    @classmethod
    def load(cls, cert_path: Path, key_path: Path) -> Authority:
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_path}: the local CA's key must be an EC key")
        return cls(certificate, key)

    def save(self, cert_path: Path, key_path: Path) -> None:
        _write_key(key_path, self.key)
        _write_cert(cert_path, self.certificate)

    def issue(
        self, common_name: str, *, server_names: tuple[str, ...] = (), client: bool = False
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """A leaf certificate: a server's for `server_names` (DNS names or IP addresses), or a client's."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        if server_names:
            names: list[x509.GeneralName] = []
            for name in server_names:
                try:
                    names.append(x509.IPAddress(ipaddress.ip_address(name)))
                except ValueError:
                    names.append(x509.DNSName(name))
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return builder.sign(self.key, hashes.SHA256()), key

    def issue_to(self, cert_path: Path, key_path: Path, common_name: str, **kwargs: object) -> x509.Certificate:
        certificate, key = self.issue(common_name, **kwargs)  # type: ignore[arg-type]
        _write_key(key_path, key)
        _write_cert(cert_path, certificate)
        return certificate


@dataclass(frozen=True)
class LocalPki:
    """The files of the local CA in `$KZREG_DATA_DIR/epp/`."""

    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca.key"

    @property
    def server_cert(self) -> Path:
        return self.folder / "server.crt"

    @property
    def server_key(self) -> Path:
        return self.folder / "server.key"

    def client_cert(self, handle: str) -> Path:
        return self.folder / f"{handle}.crt"

    def client_key(self, handle: str) -> Path:
        return self.folder / f"{handle}.key"

    def authority(self) -> Authority:
        return Authority.load(self.ca_cert, self.ca_key)

    def ensure(self) -> bool:
        """Makes the CA and a server certificate for localhost if they are missing; True when it made them."""
        if self.ca_cert.exists() and self.server_cert.exists() and self.server_key.exists():
            return False
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.ca_cert.exists() and self.ca_key.exists():
            authority = self.authority()
        else:
            authority = Authority.create()
            authority.save(self.ca_cert, self.ca_key)
        authority.issue_to(
            self.server_cert, self.server_key, "localhost", server_names=("localhost", "127.0.0.1", "::1")
        )
        return True

    def issue_client(self, handle: str) -> x509.Certificate:
        """A client certificate for registrar `handle`, signed by the local CA, in `<handle>.crt/.key`."""
        return self.authority().issue_to(self.client_cert(handle), self.client_key(handle), handle, client=True)
