"""Port-43 WHOIS (RFC 3912) and the web lookup page."""
