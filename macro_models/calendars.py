"""Business-day calendars of the markets the fund trades, from exchange_calendars.

B3 is ``BVMF`` and NYSE is ``XNYS`` in exchange_calendars, a maintained library whose holiday
rules (Carnival, Corpus Christi, Black Consciousness Day…) are kept by its community.
"""

from __future__ import annotations

import calendar as _cal
from datetime import date
from functools import lru_cache

import exchange_calendars as xcals
import pandas as pd

EXCHANGES = {"B3": "BVMF", "NYSE": "XNYS"}


@lru_cache(maxsize=4)
def _sessions(cal: str) -> pd.DatetimeIndex:
    # From 1950: FRED history (fed funds, CPI) starts in the 1950s and needs release dates too.
    xcal = xcals.get_calendar(EXCHANGES[cal], start="1950-01-03")
    return xcal.sessions


def business_days(start: date, end: date, cal: str = "B3") -> list[date]:
    s = _sessions(cal)
    window = s[(s >= pd.Timestamp(start)) & (s <= pd.Timestamp(end))]
    return [d.date() for d in window]


def is_business_day(day: date, cal: str = "B3") -> bool:
    return pd.Timestamp(day) in _sessions(cal)


def add_business_days(day: date, n: int, cal: str = "B3") -> date:
    """The n-th business day after ``day``; n=0 is ``day`` itself if a session, else the next."""
    s = _sessions(cal)
    if pd.Timestamp(day) < s[0]:
        raise ValueError(f"{day} is before the {cal} calendar's first session {s[0].date()}")
    i = int(s.searchsorted(pd.Timestamp(day)))
    if n > 0 and i < len(s) and s[i] == pd.Timestamp(day):
        i += n
    else:
        i += max(n - 1, 0)
    if i >= len(s):
        raise ValueError(f"{day} + {n} business days is past the {cal} calendar's last session")
    return s[i].date()


def period_end(day: date, frequency: str) -> date:
    if frequency == "monthly":
        return date(day.year, day.month, _cal.monthrange(day.year, day.month)[1])
    if frequency == "quarterly":
        month = ((day.month - 1) // 3 + 1) * 3
        return date(day.year, month, _cal.monthrange(day.year, month)[1])
    return day
