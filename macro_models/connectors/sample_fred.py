"""Deterministic FRED/ALFRED payloads: US rates, markets and macro with realistic revisions.

Daily series have one vintage dated at the catalog's release; monthly and quarterly releases are
revised once, a month after first publication, as BLS/BEA revisions are.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from macro_models.calendars import business_days
from macro_models.catalog.series import SeriesSpec, series_for_source

_TENOR_PREMIUM = {"DGS1MO": 0.0, "DGS3MO": 0.05, "DGS6MO": 0.12, "DGS1": 0.2, "DGS2": 0.35,
                  "DGS5": 0.65, "DGS10": 0.95, "DGS20": 1.2, "DGS30": 1.3}  # fmt: skip
# (start level, annual drift, annual volatility, rounding) for log random walks.
_DAILY_LEVELS = {
    "SP500": (1800.0, 0.08, 0.17, 2), "DTWEXBGS": (100.0, 0.01, 0.06, 4),
    "DCOILWTICO": (75.0, 0.0, 0.35, 2), "DCOILBRENTEU": (80.0, 0.0, 0.33, 2),
}  # fmt: skip
_MONTHLY = {  # (start, monthly drift, monthly vol, rounding, additive?)
    "CPIAUCSL": (235.0, 0.0021, 0.0015, 3, False), "CPILFESL": (237.0, 0.0020, 0.0010, 3, False),
    "PCEPILFE": (100.0, 0.0017, 0.0009, 3, False), "PAYEMS": (137000.0, 150.0, 120.0, 0, True),
    "UNRATE": (6.6, -0.02, 0.15, 1, True), "INDPRO": (100.0, 0.0008, 0.006, 4, False),
    "FEDFUNDS": (0.1, 0.0, 0.0, 2, True), "PALLFNFINDEXM": (150.0, 0.0, 0.04, 2, False),
    "PCOPPUSDM": (7200.0, 0.0, 0.05, 2, False), "PIORECRUSDM": (120.0, 0.0, 0.08, 2, False),
    "POILBREUSDM": (105.0, 0.0, 0.08, 2, False), "GDPC1": (16500.0, 0.005, 0.006, 3, False),
}  # fmt: skip
_REVISED = {"CPIAUCSL", "CPILFESL", "PCEPILFE", "PAYEMS", "INDPRO", "GDPC1", "UNRATE"}


def generate_fred(start: date, end: date, seed: int = 11) -> dict[str, dict]:
    """FRED JSON documents keyed by series id."""
    rng = np.random.default_rng(seed)
    bdays = business_days(start, end, "NYSE")
    ff = _fed_funds(len(bdays), rng)
    values: dict[str, list[tuple[date, float]]] = {"DFF": list(zip(bdays, ff, strict=True))}
    level = np.cumsum(rng.normal(0, 0.015, len(bdays)))  # shared curve-level shock
    for sid, prem in _TENOR_PREMIUM.items():
        noise = np.cumsum(rng.normal(0, 0.01, len(bdays))) * (prem > 0)
        path = np.maximum(ff + prem + level * min(prem, 1.0) + noise, 0.01)
        values[sid] = list(zip(bdays, np.round(path, 2), strict=True))
    by = dict(values)
    values["T10Y2Y"] = [
        (d, round(a - b, 2)) for (d, a), (_, b) in zip(by["DGS10"], by["DGS2"], strict=True)
    ]
    values["T5YIE"] = _ou(bdays, 2.1, 0.02, 0.98, rng, 2)
    values["T10YIE"] = _ou(bdays, 2.2, 0.015, 0.985, rng, 2)
    values["BAMLH0A0HYM2"] = _ou(bdays, 4.2, 0.08, 0.99, rng, 2)
    values["VIXCLS"] = _ou(bdays, 18.0, 1.1, 0.95, rng, 2)
    for sid, (lvl, drift, vol, nd) in _DAILY_LEVELS.items():
        steps = rng.normal(drift / 252, vol / np.sqrt(252), len(bdays))
        values[sid] = list(zip(bdays, np.round(lvl * np.exp(np.cumsum(steps)), nd), strict=True))
    months = _period_starts(start, end, 1)
    for sid, (lvl, drift, vol, nd, additive) in _MONTHLY.items():
        periods = _period_starts(start, end, 3) if sid == "GDPC1" else months
        steps = rng.normal(drift, vol, len(periods))
        path = lvl + np.cumsum(steps) if additive else lvl * np.exp(np.cumsum(steps))
        values[sid] = list(zip(periods, np.round(path, nd), strict=True))
    specs = {s.code: s for s in series_for_source("fred")}
    return {sid: _document(specs[sid], rows, sid in _REVISED, rng) for sid, rows in values.items()}


def _fed_funds(n: int, rng: np.random.Generator) -> np.ndarray:
    # FOMC moves of 25 bp, eight meetings a year, a slow cycle between 0.1 % and 5.3 %.
    out, rate, target = np.empty(n), 0.1, 3.0
    for i in range(n):
        if i % 32 == 0:
            if abs(target - rate) < 0.2:
                target = float(rng.uniform(0.1, 5.3))
            rate = round(rate + 0.25 * np.sign(target - rate), 2)
            rate = min(max(rate, 0.1), 5.35)
        out[i] = rate
    return np.round(out + rng.normal(0, 0.01, n), 2)


def _ou(days, mean, vol, phi, rng, nd) -> list[tuple[date, float]]:
    x, out = mean, []
    for d in days:
        x = mean + phi * (x - mean) + rng.normal(0, vol)
        out.append((d, round(max(x, 0.01), nd)))
    return out


def _period_starts(start: date, end: date, step_months: int) -> list[date]:
    out, y, m = [], start.year, ((start.month - 1) // step_months) * step_months + 1
    while date(y, m, 1) <= end:
        out.append(date(y, m, 1))
        m += step_months
        y, m = (y + 1, m - 12) if m > 12 else (y, m)
    return out


def _document(spec: SeriesSpec, rows, revised: bool, rng: np.random.Generator) -> dict:
    obs = []
    for day, value in rows:
        first = spec.known_at(day).date()
        if revised:
            revision_day = first + timedelta(days=30)
            delta = float(rng.normal(0, abs(value) * 0.0008 + 0.01))
            second = round(value + delta, 0 if float(value).is_integer() else 3)
            obs.append(_obs(day, value, first, revision_day - timedelta(days=1)))
            obs.append(_obs(day, second, revision_day, None))
        else:
            obs.append(_obs(day, value, first, None))
    obs.sort(key=lambda o: (o["date"], o["realtime_start"]))
    return {
        "realtime_start": rows[0][0].isoformat() if rows else "",
        "realtime_end": "9999-12-31",
        "output_type": 1,
        "file_type": "json",
        "order_by": "observation_date",
        "sort_order": "asc",
        "count": len(obs),
        "offset": 0,
        "limit": 100000,
        "observations": obs,
    }


def _obs(day: date, value: float, rt_start: date, rt_end: date | None) -> dict:
    return {
        "realtime_start": rt_start.isoformat(),
        "realtime_end": rt_end.isoformat() if rt_end else "9999-12-31",
        "date": day.isoformat(),
        "value": f"{value}",
    }


def fred_files(start: date, end: date, seed: int) -> dict[str, dict]:
    return {f"fred__{sid}.json": doc for sid, doc in generate_fred(start, end, seed + 4).items()}
