"""Online payment providers (issue 11): a provider verifies a signed callback into a `Notification`,
which `booking.book` turns into a payment once per provider payment id. docs/billing.md, "Online
payment providers", is the interface's description for whoever adds a real provider."""
