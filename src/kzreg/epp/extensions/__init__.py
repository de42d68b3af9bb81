"""EPP extensions over domain commands: secDNS-1.1 (RFC 5910), RGP (RFC 3915), fee-1.0 (RFC 8748) and
kzreg's own kz-1.0 (`schemas/kz-1.0.xsd`). Each module parses its request elements into registry terms
and renders its answer elements; the command handlers call them."""
