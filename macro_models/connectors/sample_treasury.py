"""Deterministic US Treasury par yield curves, one CSV a year exactly as home.treasury.gov serves.

The curve is expectations plus a term premium: the policy rate follows the FOMC target range
mid-point of 2014–2024 (0.1 % to 5.3 %), each tenor yields the average policy rate the market
expects over its life (half foresight of the next year's path, then a pull towards a slowly
drifting neutral rate) plus a term premium rising with maturity, a shared level shock and a
little tenor noise. So the curve steepens at the zero bound and inverts in 2023, as it did.
Dates are bond-market days (NYSE sessions without Columbus and Veterans Day); tenors appear as
they did: "2 Mo" from 16 October 2018, "4 Mo" from 19 October 2022, "1.5 Month" from
18 February 2025, absent from the header in earlier years and blank before their first day.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from macro_models.calendars import business_days
from macro_models.connectors.treasury import TENORS, Tenor

# The FOMC target-range mid-point after each decision (effective dates), 2008–2024.
_POLICY_STEPS = [
    (date(2008, 12, 16), 0.125), (date(2015, 12, 17), 0.375), (date(2016, 12, 15), 0.625),
    (date(2017, 3, 16), 0.875), (date(2017, 6, 15), 1.125), (date(2017, 12, 14), 1.375),
    (date(2018, 3, 22), 1.625), (date(2018, 6, 14), 1.875), (date(2018, 9, 27), 2.125),
    (date(2018, 12, 20), 2.375), (date(2019, 8, 1), 2.125), (date(2019, 9, 19), 1.875),
    (date(2019, 10, 31), 1.625), (date(2020, 3, 4), 1.125), (date(2020, 3, 16), 0.125),
    (date(2022, 3, 17), 0.375), (date(2022, 5, 5), 0.875), (date(2022, 6, 16), 1.625),
    (date(2022, 7, 28), 2.375), (date(2022, 9, 22), 3.125), (date(2022, 11, 3), 3.875),
    (date(2022, 12, 15), 4.375), (date(2023, 2, 2), 4.625), (date(2023, 3, 23), 4.875),
    (date(2023, 5, 4), 5.125), (date(2023, 7, 27), 5.375), (date(2024, 9, 19), 4.875),
    (date(2024, 11, 8), 4.625), (date(2024, 12, 19), 4.375),
]  # fmt: skip
# First curve date of the tenors added in the sample years; the others exist throughout.
_FIRST_DAY = {"2 Mo": date(2018, 10, 16), "4 Mo": date(2022, 10, 19),
              "1.5 Month": date(2025, 2, 18)}  # fmt: skip
_NEUTRAL_PCT = 2.5
_TP_MAX_PCT = 0.7  # term premium at long maturities
_HORIZON_GRID = 24  # points to average the expected policy path over a tenor's life


def _policy_pct(days: np.ndarray) -> np.ndarray:
    """Target mid-point in force on each day (days as numpy datetime64[D])."""
    when = np.array([np.datetime64(d) for d, _ in _POLICY_STEPS])
    level = np.array([v for _, v in _POLICY_STEPS])
    i = np.searchsorted(when, days, side="right") - 1
    return level[np.clip(i, 0, len(level) - 1)]


def _bond_market_days(start: date, end: date) -> list[date]:
    # SIFMA closes the bond market on Columbus Day and Veterans Day; the NYSE trades.
    def closed(d: date) -> bool:
        columbus = d.month == 10 and d.weekday() == 0 and 8 <= d.day <= 14
        return columbus or (d.month == 11 and d.day == 11)

    return [d for d in business_days(start, end, "NYSE") if not closed(d)]


def generate_curves(start: date, end: date, seed: int = 17) -> dict[date, dict[str, float]]:
    """{curve date: {tenor label: par yield % p.a.}}, tenors only from their first day."""
    rng = np.random.default_rng(seed)
    days = _bond_market_days(start, end)
    if not days:
        return {}
    d64 = np.array([np.datetime64(d) for d in days])
    n = len(days)
    policy = _policy_pct(d64)
    # The neutral rate the market sees drifts slowly and leans on the policy level.
    neutral, level, slope = np.empty(n), np.empty(n), np.empty(n)
    x, lv, sl = 0.0, 0.0, 0.0
    for i in range(n):
        x = 0.999 * x + rng.normal(0, 0.015)
        lv = 0.985 * lv + rng.normal(0, 0.035)  # shared level shock, months of memory
        sl = 0.990 * sl + rng.normal(0, 0.020)  # long-end (term premium) shock
        neutral[i] = _NEUTRAL_PCT - 1.0 + 0.35 * policy[i] + x
        level[i], slope[i] = lv, sl
    curves: dict[date, dict[str, float]] = {d: {} for d in days}
    for tenor in TENORS:
        first = _FIRST_DAY.get(tenor.label)
        years = float(tenor.months) / 12
        path = _expected_average(d64, policy, neutral, years)
        term_premium = _TP_MAX_PCT * (1 - np.exp(-years / 6))
        shock = level * min(1.0, 0.2 + years / 2) + slope * (1 - np.exp(-years / 3))
        noise = rng.normal(0, 0.008, n)
        yields = np.maximum(np.round(path + term_premium + shock + noise, 2), 0.0)
        for d, y in zip(days, yields, strict=True):
            if first is None or d >= first:
                curves[d][tenor.label] = float(y)
    return curves


def _expected_average(
    d64: np.ndarray, policy: np.ndarray, neutral: np.ndarray, years: float
) -> np.ndarray:
    """Average over [0, years] of the policy rate the market expects (in % p.a.)."""
    h = np.linspace(0, years, _HORIZON_GRID)
    out = np.zeros(len(d64))
    for hk in h:
        ahead = d64 + np.timedelta64(int(round(min(hk, 1.0) * 365)), "D")
        near = 0.5 * _policy_pct(ahead) + 0.5 * policy  # half foresight of the next year
        out += near + (neutral - near) * (1 - np.exp(-hk / 4))
    return out / len(h)


def _columns(year: int) -> list[Tenor]:
    """Tenor columns of a year's CSV: those with at least one day in that year."""
    return [t for t in TENORS if t.since_year <= year + 1 and year not in t.absent_years]


def year_csv(year: int, curves: dict[date, dict[str, float]]) -> str:
    """The CSV body for ``year``: quoted tenor headers, MM/DD/YYYY dates, newest first."""
    cols = _columns(year)
    lines = ["Date," + ",".join(f'"{t.label}"' for t in cols)]
    for d in sorted((d for d in curves if d.year == year), reverse=True):
        row = curves[d]
        cells = [f"{row[t.label]:.2f}" if t.label in row else "" for t in cols]
        lines.append(d.strftime("%m/%d/%Y") + "," + ",".join(cells))
    return "\n".join(lines) + "\n"


def treasury_files(start: date, end: date, seed: int) -> dict[str, str]:
    """``treasury__<year>.csv`` -> the CSV text of that year (a str, not a JSON document)."""
    curves = generate_curves(start, end, seed + 10)
    return {f"treasury__{y}.csv": year_csv(y, curves) for y in range(start.year, end.year + 1)}
