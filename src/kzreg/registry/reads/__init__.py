"""The registry's typed read API: what WHOIS, RDAP, the zone export, EPP info and the CLI read.

Only the registry writes SQL against its own tables; the read side imports these modules instead.
The R13 rule they share is `registry.status`; `records` holds the typed read models.
"""
