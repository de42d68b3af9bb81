"""DNS zone files generated from the registry (P2)."""
