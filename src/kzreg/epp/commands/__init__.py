"""Every EPP object command (RFC 5731–5733, poll of RFC 5730) over the registry's operations.

Importing this package registers the handlers with `kzreg.epp.dispatch` (the dispatcher imports it on
first use). A handler parses its request into a registry command, calls the operation with the EPP
actor (`Request.actor()`: channel `epp`, the registrar, both transaction ids) and renders the answer;
a refusal names, in every `<extValue>`, the request element the problem came from (`fields`).
"""

from kzreg.epp.commands import (  # noqa: F401  (registration)
    codes,
    contact,
    domain_create,
    domain_lifecycle,
    domain_query,
    domain_transfer,
    domain_update,
    host,
    poll,
)
