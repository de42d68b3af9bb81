from __future__ import annotations

from django.db import models


class HandleSequence(models.Model):
    """The last number given to a handle stem (`IVG`, `CSSC-ORG`), so a new handle costs a row lock and a
    point lookup instead of scanning every handle that starts with the same letters (R5)."""

    stem = models.CharField(max_length=10, primary_key=True)
    last = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.stem}: {self.last}"
