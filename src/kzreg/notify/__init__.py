"""Outbox: every message to send is a row written with the change that causes it."""
