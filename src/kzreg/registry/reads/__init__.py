"""The registry's typed read API: what WHOIS, RDAP, the zone export, EPP info and the CLI read.

Only the registry writes SQL against its own tables; the read side imports these modules instead.
`status` is the one R13 rule, the others load rows into the read models of `records`.
"""
