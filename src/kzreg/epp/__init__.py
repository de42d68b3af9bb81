"""EPP (RFC 5730–5734) for registrars: a thin protocol adapter over the registry's front door."""
