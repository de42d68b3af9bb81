"""Registrations and renewals per month as a bar chart drawn on the server (SVG, no script, no inline
style: the bars' colours are classes of the design system), with the same numbers as a table for screen
readers and for anyone who wants the figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT, BOTTOM, TOP = 720, 220, 24, 12


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    kind: str  # created | renewed
    count: int


@dataclass(frozen=True)
class Month:
    start: dt.date
    created: int
    renewed: int
    label_x: int
    bars: tuple[Bar, Bar]


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(count):
        starts.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return starts[::-1]


def layout(starts: list[dt.date], created: dict[dt.date, int], renewed: dict[dt.date, int]) -> list[Month]:
    peak = max([1, *created.values(), *renewed.values()])
    usable = HEIGHT - BOTTOM - TOP
    group = WIDTH // max(1, len(starts))
    bar = max(4, (group - 8) // 2)
    months = []
    for i, start in enumerate(starts):
        x = i * group + 4
        pair = []
        for j, (kind, counts) in enumerate((("created", created), ("renewed", renewed))):
            count = counts.get(start, 0)
            height = round(usable * count / peak)
            pair.append(Bar(x + j * bar, HEIGHT - BOTTOM - height, bar, height, kind, count))
        months.append(Month(start, created.get(start, 0), renewed.get(start, 0), x + bar, (pair[0], pair[1])))
    return months
