"""The reseller JSON API under /api/v1/ (issue 12)."""
