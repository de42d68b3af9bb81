"""The WHOIS read model: each live domain's port-43 answer, rendered ahead of time (issue 4).

A query then costs one primary-key SELECT instead of a five-table join plus rendering. The rows are
derived data, rebuilt from the registry at any time (`kzreg whois build-answers`) and kept current by
the `whois-answers` worker job; the server uses a row only when it knows the row is fresh enough
(see `kzreg.whois.answers`), otherwise it renders live, so a late job costs speed, never truth.
"""

from __future__ import annotations

from django.db import models


class WhoisAnswer(models.Model):
    name = models.CharField(max_length=255, primary_key=True, help_text="A-label, lowercase")
    text = models.TextField(help_text="the port-43 answer, all three languages")
    valid_until = models.DateTimeField(help_text="the domain's expiry: from then on the answer says `expired`")
    rendered_at = models.FloatField(help_text="Unix time taken before the registry rows were read")

    def __str__(self) -> str:
        return self.name


class WhoisAnswerState(models.Model):
    """One row: how far the answers have followed the history (what the servers check freshness against)."""

    history_id = models.BigIntegerField(default=0, help_text="history read up to this id")
    fresh_as_of = models.FloatField(default=0.0, help_text="every change committed before this Unix time is in")
    settings_key = models.CharField(max_length=40, default="", help_text="rendering settings the rows were made with")

    def __str__(self) -> str:
        return f"history {self.history_id}, fresh as of {self.fresh_as_of:.0f}"
