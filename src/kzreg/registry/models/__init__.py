"""Registry records. Only `kzreg.registry.operations` writes them (one write path)."""

from kzreg.registry.models.contact import Contact, ContactKind, SecurityScheme
from kzreg.registry.models.domain import Domain, DomainNameServer, DomainStatus, RgpStatus, StatusFlag
from kzreg.registry.models.handle_sequence import HandleSequence
from kzreg.registry.models.history import HistoryEntry, ObjectType
from kzreg.registry.models.host import Host
from kzreg.registry.models.poll import PollMessage
from kzreg.registry.models.registrar import Registrar, RegistrarStatus
from kzreg.registry.models.transfer import ContactTransfer, DomainTransfer, TransferStatus
from kzreg.registry.models.zone import ReservedName, Zone

__all__ = [
    "Contact",
    "ContactKind",
    "ContactTransfer",
    "Domain",
    "DomainNameServer",
    "DomainStatus",
    "DomainTransfer",
    "HandleSequence",
    "HistoryEntry",
    "Host",
    "ObjectType",
    "PollMessage",
    "Registrar",
    "RegistrarStatus",
    "ReservedName",
    "RgpStatus",
    "SecurityScheme",
    "StatusFlag",
    "TransferStatus",
    "Zone",
]
