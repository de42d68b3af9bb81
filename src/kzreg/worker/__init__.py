"""The worker: sweeps due deadlines and delivers the outbox, driven by rows in the database."""
