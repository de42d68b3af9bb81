"""The one write path: every change to a domain, contact, host or registrar is one of these operations.

Each takes a command (`kzreg.registry.commands`) and an `Actor`, and returns an `OperationResult` or
raises `OperationFailed` with every problem it found. Nothing else writes registry models.
"""

from kzreg.registry.operations.base import OperationResult
from kzreg.registry.operations.contact import create_contact, modify_contact
from kzreg.registry.operations.contact_delete import delete_contact
from kzreg.registry.operations.contact_transfer import (
    approve_due_contact_transfers,
    contact_transfer_status,
    decide_contact_transfer,
    request_contact_transfer,
)
from kzreg.registry.operations.domain_create import create_domain
from kzreg.registry.operations.domain_delete import delete_domain
from kzreg.registry.operations.domain_modify import modify_domain
from kzreg.registry.operations.domain_registrar import change_registrar
from kzreg.registry.operations.domain_renew import renew_domain
from kzreg.registry.operations.domain_restore import restore_domain
from kzreg.registry.operations.domain_status import lift_domain_status, set_domain_status
from kzreg.registry.operations.domain_transfer import transfer_domain
from kzreg.registry.operations.host import create_host, delete_host, modify_host
from kzreg.registry.operations.lifecycle import expire_domains, lapse_restore_requests, purge_domains, sweep
from kzreg.registry.operations.registrar import (
    create_registrar,
    ensure_registrar,
    modify_registrar,
    set_registrar_status,
)
from kzreg.registry.operations.registrar_transfer import (
    approve_due_transfers,
    decide_transfer,
    request_transfer,
    transfer_status,
)
from kzreg.registry.operations.sponsorship import contact_auth_code, domain_auth_code

__all__ = [
    "OperationResult",
    "approve_due_contact_transfers",
    "approve_due_transfers",
    "change_registrar",
    "contact_auth_code",
    "contact_transfer_status",
    "create_contact",
    "create_domain",
    "create_host",
    "create_registrar",
    "decide_contact_transfer",
    "decide_transfer",
    "delete_contact",
    "delete_domain",
    "delete_host",
    "domain_auth_code",
    "ensure_registrar",
    "expire_domains",
    "lapse_restore_requests",
    "lift_domain_status",
    "modify_contact",
    "modify_domain",
    "modify_host",
    "modify_registrar",
    "purge_domains",
    "renew_domain",
    "request_contact_transfer",
    "request_transfer",
    "restore_domain",
    "set_domain_status",
    "set_registrar_status",
    "sweep",
    "transfer_domain",
    "transfer_status",
]
