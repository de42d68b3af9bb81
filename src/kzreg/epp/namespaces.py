"""The XML namespaces kzreg's EPP server speaks (RFC 5730–5733, 5910, 3915, 8748, 8807, kzreg's own)."""

EPP = "urn:ietf:params:xml:ns:epp-1.0"
DOMAIN = "urn:ietf:params:xml:ns:domain-1.0"
CONTACT = "urn:ietf:params:xml:ns:contact-1.0"
HOST = "urn:ietf:params:xml:ns:host-1.0"
SECDNS = "urn:ietf:params:xml:ns:secDNS-1.1"
RGP = "urn:ietf:params:xml:ns:rgp-1.0"
FEE = "urn:ietf:params:xml:ns:epp:fee-1.0"
LOGIN_SEC = "urn:ietf:params:xml:ns:epp:loginSec-1.0"
KZ = "urn:kzreg:params:xml:ns:kz-1.0"

OBJECTS = (DOMAIN, CONTACT, HOST)  # the greeting's objURIs
EXTENSIONS = (SECDNS, RGP, FEE, LOGIN_SEC, KZ)  # the greeting's extURIs
LANGUAGES = ("en", "ru", "kk")  # the greeting's <lang>s; <msg> and <reason>s come in the one chosen at login
