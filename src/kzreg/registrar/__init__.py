"""The registrar wing's core: customers, services, orders, and the registry connection (local | epp)."""
