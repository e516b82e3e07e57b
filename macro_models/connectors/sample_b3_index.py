"""Deterministic B3 index years in B3's own grid JSON (``b3_index__<code>_<year>.json``).

Ibovespa follows a geometric random walk with 22 % annual volatility on B3 sessions, bent by a
Brownian bridge onto its actual path: about 50,300 points on 2 January 2014, 120,300 at the end
of 2024. Each file is one calendar year as ``GetPortfolioDay`` answers it: 31 rows (day of month)
with ``rateValue1``…``rateValue12`` in the Brazilian format ("127.182,40"), null where there was
no session (or the day is outside the sample window).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from macro_models.calendars import business_days
from macro_models.connectors.b3_index import MONTH_FIELDS, file_name

_START_LEVEL, _END_LEVEL = 50300.0, 120300.0
_VOL = 0.22


def br_number(value: float) -> str:
    """127182.4 -> '127.182,40' (B3's format)."""
    whole, cents = f"{value:,.2f}".split(".")
    return whole.replace(",", ".") + "," + cents


def ibov_levels(start: date, end: date, seed: int) -> dict[date, float]:
    days = business_days(start, end, "B3")
    if not days:
        return {}
    rng = np.random.default_rng([seed, 2024, 1])
    n = len(days)
    steps = rng.standard_normal(n) * _VOL / np.sqrt(252)
    walk = np.concatenate([[0.0], np.cumsum(steps[1:])])
    # Bridge: the walk starts at 0 and ends on the target log-level change.
    t = np.linspace(0.0, 1.0, n)
    target = np.log(_END_LEVEL / _START_LEVEL) * t
    log_level = np.log(_START_LEVEL) + walk - walk[-1] * t + target
    return {d: float(np.exp(x)) for d, x in zip(days, log_level, strict=True)}


def _year_grid(year: int, levels: dict[date, float]) -> dict[str, Any]:
    rows = []
    for day_of_month in range(1, 32):
        row: dict[str, Any] = {"day": day_of_month}
        for month, field in enumerate(MONTH_FIELDS, start=1):
            try:
                level = levels.get(date(year, month, day_of_month))
            except ValueError:
                level = None  # 30 February and the like
            row[field] = None if level is None else br_number(level)
        rows.append(row)
    return {"results": rows}


def b3_index_files(start: date, end: date, seed: int = 17) -> dict[str, Any]:
    """``b3_index__IBOV_<year>.json`` for each calendar year of [start, end]."""
    levels = ibov_levels(start, end, seed)
    return {
        file_name("IBOV", year): _year_grid(year, levels)
        for year in range(start.year, end.year + 1)
    }
