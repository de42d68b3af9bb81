"""Inbound mail shared by the form gateway and tickets: who really sent a message (SPF, DKIM, DMARC)."""
