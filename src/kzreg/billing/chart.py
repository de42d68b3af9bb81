"""The monthly revenue chart of the back-office, drawn on the server as SVG geometry: no JavaScript
library, and nothing inline that the Content-Security-Policy refuses (colours and fonts come from the
static `billing/reports.css` by class; only positions and sizes are attributes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kzreg.billing.money import Money

WIDTH, HEIGHT = 720, 260
LEFT, BOTTOM, TOP = 70, 40, 16


@dataclass(frozen=True)
class Bar:
    month: str
    amount: Money
    x: int
    y: int
    width: int
    height: int
    label_x: int


@dataclass(frozen=True)
class Chart:
    currency: str
    bars: list[Bar]
    peak: Money
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM
    top: int = TOP
    left: int = LEFT


def monthly_chart(currency: str, months: Sequence[tuple[str, Money]]) -> Chart:
    """Bars of each month's revenue in one currency, scaled to the highest; a net loss draws no bar."""
    peak = max((amount.minor for _, amount in months), default=0)
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 10) // max(1, len(months))
    bars = []
    for n, (month, amount) in enumerate(months):
        height = round(plot * max(0, amount.minor) / peak) if peak > 0 else 0
        x = LEFT + n * slot + slot // 6
        width = max(1, slot - slot // 3)
        bars.append(Bar(month, amount, x, HEIGHT - BOTTOM - height, width, height, x + width // 2))
    return Chart(currency, bars, Money.from_minor(max(0, peak), currency))
