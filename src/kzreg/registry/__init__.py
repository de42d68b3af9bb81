"""The registry core: domains, contacts, hosts, zones, registrars; their rules, history and operations."""
