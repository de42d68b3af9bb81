"""Django's PostgreSQL backend with transactions that start without a round trip of their own
(`ENGINE: kzreg.registry.postgresql`); see `base`."""
