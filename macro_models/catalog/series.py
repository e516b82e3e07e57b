"""The series catalog and the release rule that gives each observation its ``known_at``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

CATALOG_PATH = Path(__file__).with_name("series_catalog.csv")
# How a value in percent compounds or annualises (dbt: dim_series.rate_basis); `ratio` is a
# share in percent (debt/GDP, unemployment) and `level` anything that is not a percentage.
RATE_BASES = (
    "annual_bus252",  # (1 + r)^(du/252): Selic, CDI, DI1, ANBIMA bonds
    "daily_bus252",  # per business day: annual = (1 + d)^252 - 1
    "annual_act360",  # simple, actual/360: fed funds
    "annual_bond_equivalent",  # semiannual bond-equivalent: Treasury yields and their spreads
    "monthly_change",
    "quarterly_change",
    "twelve_month_change",
    "annual_change",
    "ratio",
    "level",
)


@dataclass(frozen=True)
class SeriesSpec:
    series_id: str
    source: str
    code: str
    name: str
    unit: str
    frequency: str
    calendar: str
    timezone: str
    release_anchor: str
    release_lag_bd: int
    release_time: str
    staleness_limit_days: int
    description: str
    rate_basis: str

    def known_at(self, observation_date: date) -> datetime:
        """When the market could first know the value for ``observation_date`` (UTC-aware).

        The anchor is the observation date itself or the end of its period (month, quarter),
        moved ``release_lag_bd`` business days on the series' calendar, at the release time.
        """
        # Imported here: the calendars pull in pandas, and DAG files read the catalog at parse.
        from macro_models.calendars import add_business_days, period_end

        anchor = observation_date
        if self.release_anchor == "period_end":
            anchor = period_end(observation_date, self.frequency)
        # Lag 0 means "on the day itself", even a weekend day for calendar-daily series.
        day = anchor
        if self.release_lag_bd:
            day = add_business_days(anchor, self.release_lag_bd, self.calendar)
        return self.release_at(day)

    def release_at(self, day: date) -> datetime:
        """``day`` at the series' release time in its timezone, as UTC."""
        hh, mm = (int(x) for x in self.release_time.split(":"))
        local = datetime.combine(day, time(hh, mm), tzinfo=ZoneInfo(self.timezone))
        return local.astimezone(ZoneInfo("UTC"))


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, SeriesSpec]:
    with CATALOG_PATH.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for r in rows:
        fields: dict[str, Any] = dict(r)
        fields["release_lag_bd"] = int(r["release_lag_bd"])
        fields["staleness_limit_days"] = int(r["staleness_limit_days"])
        out[r["series_id"]] = SeriesSpec(**fields)
    return out


def get_series(series_id: str) -> SeriesSpec:
    catalog = load_catalog()
    if series_id not in catalog:
        raise KeyError(f"unknown series {series_id!r}; `macro catalog list` shows the known ones")
    return catalog[series_id]


def series_for_source(source: str) -> list[SeriesSpec]:
    return [s for s in load_catalog().values() if s.source == source]
