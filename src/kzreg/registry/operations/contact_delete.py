"""Delete a contact (RFC 5733 `<delete>`): its sponsor (or registry staff) removes a contact nothing names.

Refused (2305) while a domain names it in any role — a deleted domain's record too, as that record and its
history keep pointing at the contact (R1); such a contact stays its sponsor's. Refused (2304) under
clientDeleteProhibited or a pending transfer. The last version goes to history, then the row.
"""

from __future__ import annotations

from django.db.models import Q

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import DeleteContact
from kzreg.registry.models import Contact, Domain, ObjectType
from kzreg.registry.operations.base import Context, OperationResult, execute
from kzreg.registry.operations.prohibitions import DELETE, check_contact_allows
from kzreg.registry.operations.sponsorship import check_sponsor
from kzreg.registry.snapshots import contact_snapshot


def naming_domains(contact: Contact) -> int:
    """How many domain records (live or deleted) name the contact in any role."""
    roles = Q(registrant=contact) | Q(admin_contact=contact) | Q(tech_contact=contact) | Q(billing_contact=contact)
    return Domain.objects.filter(roles).count()


def delete_contact(command: DeleteContact, actor: Actor) -> OperationResult[Contact]:
    def body(ctx: Context) -> Contact:
        handle = (command.handle or "").strip().upper()
        contact = Contact.objects.select_for_update().filter(handle=handle).first()
        if contact is None:
            raise OperationFailed([Problem("handle", Code.NOT_FOUND, {"kind": "contact", "key": handle})])
        check_sponsor(ctx.actor, contact.registrar_id, "contact", contact.handle, "handle")
        check_contact_allows(ctx, contact, DELETE)
        count = naming_domains(contact)
        if count:
            ctx.problems.add("handle", Code.CONTACT_IN_USE, key=contact.handle, count=count)
        ctx.check_guards(contact)
        contact.version += 1
        contact.updated_at = ctx.now
        snapshot = {**contact_snapshot(contact), "deleted_at": ctx.now.isoformat()}
        ctx.history(ObjectType.CONTACT, contact, contact.handle, snapshot)
        contact.delete()
        return contact

    return execute("contact_delete", command, actor, body)
