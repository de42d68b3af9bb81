"""Registry deadlines the worker sweeps: expiry → grace period → deletion (R4)."""

from kzreg.plugins import Job
from kzreg.registry.operations import sweep

JOBS = [Job("registry-lifecycle", sweep, every=60.0)]
