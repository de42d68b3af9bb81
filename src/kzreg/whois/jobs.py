"""The worker keeps the pre-rendered WHOIS answers current (see `kzreg.whois.answers`)."""

from __future__ import annotations

from kzreg.plugins import Job
from kzreg.whois.answers import refresh

JOBS = [Job("whois-answers", refresh, every=2.0)]
