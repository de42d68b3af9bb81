"""The one write path: every change to a domain, contact, host or registrar is one of these operations.

Each takes a command (`kzreg.registry.commands`) and an `Actor`, and returns an `OperationResult` or
raises `OperationFailed` with every problem it found. Nothing else writes registry models.
"""

from kzreg.registry.operations.base import OperationResult
from kzreg.registry.operations.contact import create_contact, modify_contact
from kzreg.registry.operations.domain_create import create_domain
from kzreg.registry.operations.domain_delete import delete_domain
from kzreg.registry.operations.domain_modify import modify_domain
from kzreg.registry.operations.domain_registrar import change_registrar
from kzreg.registry.operations.domain_renew import renew_domain
from kzreg.registry.operations.domain_status import lift_domain_status, set_domain_status
from kzreg.registry.operations.domain_transfer import transfer_domain
from kzreg.registry.operations.host import create_host, delete_host, modify_host
from kzreg.registry.operations.lifecycle import expire_domains, purge_domains, sweep
from kzreg.registry.operations.registrar import (
    create_registrar,
    ensure_registrar,
    modify_registrar,
    set_registrar_status,
)
from kzreg.registry.operations.sponsorship import contact_auth_code

__all__ = [
    "OperationResult",
    "change_registrar",
    "contact_auth_code",
    "create_contact",
    "create_domain",
    "create_host",
    "create_registrar",
    "delete_domain",
    "delete_host",
    "ensure_registrar",
    "expire_domains",
    "lift_domain_status",
    "modify_contact",
    "modify_domain",
    "modify_host",
    "modify_registrar",
    "purge_domains",
    "renew_domain",
    "set_domain_status",
    "set_registrar_status",
    "sweep",
    "transfer_domain",
]
