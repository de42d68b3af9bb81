"""kzreg — domain registration for the Kazakhstan ccTLD: registry ← registrar ← reseller ← registrant."""

__version__ = "0.1.0"
