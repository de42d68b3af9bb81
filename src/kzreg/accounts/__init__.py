"""Who a user works for: the registry, a registrar or a reseller. Tenant checks start here."""
