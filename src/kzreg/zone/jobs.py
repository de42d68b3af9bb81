"""The worker publishes every zone whose content changed (P2), every KZREG_ZONE_PUBLISH_EVERY seconds."""

from kzreg.plugins import Job
from kzreg.zone.config import publish_every
from kzreg.zone.publish import publish_changed_zones

JOBS = [Job("zone-publish", publish_changed_zones, every=publish_every())]
