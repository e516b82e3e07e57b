"""Weekday holidays of the platform's business-day calendars, exported for dbt.

dbt cannot call exchange_calendars, so the weekdays on which each calendar has no business day
are written to ``calendar_holidays.csv`` (seeded by dbt as ``calendar_holidays``) and
``dim_calendar_days`` rebuilds the business days from it in SQL. A test regenerates the file and
compares, so a holiday-rule change in exchange_calendars cannot drift silently: run
``python -m macro_models.catalog.calendar_holidays`` to refresh it.

Calendars:

- ``B3`` and ``NYSE``: exchange sessions (``BVMF``, ``XNYS`` in exchange_calendars).
- ``BR_NATIONAL``: Brazil's national business days (ANBIMA's holiday list), the calendar of
  ``du``, the business days on which the CDI accrues (see macro_models.instruments.di1).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import exchange_calendars as xcals
import pandas as pd

from macro_models.instruments import di1

HOLIDAYS_PATH = Path(__file__).with_name("calendar_holidays.csv")
# Long enough for the longest NTN-B (2060) and DI1 history (1990s).
FIRST_YEAR, LAST_YEAR = 1990, 2060
_EXCHANGES = {"B3": "BVMF", "NYSE": "XNYS"}


def _weekdays(first: date, last: date) -> pd.DatetimeIndex:
    return pd.bdate_range(first, last)


def holiday_rows(
    first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR
) -> list[tuple[str, date]]:
    """(calendar_code, holiday_date) for every weekday that is not a business day."""
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    weekdays = _weekdays(first, last)
    rows: list[tuple[str, date]] = []
    for code, exchange in _EXCHANGES.items():
        sessions = xcals.get_calendar(exchange, start=first, end=last).sessions
        closed = weekdays.difference(sessions)
        rows.extend((code, d.date()) for d in closed)
    national = {
        d
        for y in range(first_year, last_year + 1)
        for d in di1.national_holidays(y)
        if d.weekday() < 5
    }
    rows.extend(("BR_NATIONAL", d) for d in sorted(national))
    return sorted(rows)


def write_holidays(path: Path = HOLIDAYS_PATH) -> int:
    rows = holiday_rows()
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["calendar_code", "holiday_date"])
        writer.writerows((code, d.isoformat()) for code, d in rows)
    return len(rows)


if __name__ == "__main__":
    print(f"{write_holidays()} holidays written to {HOLIDAYS_PATH}")
