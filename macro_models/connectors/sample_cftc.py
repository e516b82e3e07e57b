"""Deterministic CFTC TFF weekly reports in Socrata's JSON (``cftc__<code>.json``, one list each).

Every Tuesday of the window is a report date. For each trader category a net position follows
a persistent AR(1) (leveraged funds swing hardest, asset managers lean with them, dealers take
the other side of everyone) and a gross position scales with the market; open interest is the
sum of the long positions plus spreading, so every long and short fits inside it, as in the
real report. Every value is a string of digits, as Socrata sends it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from macro_models.connectors.cftc import BY_CODE, DATE_FIELD, DEFAULT_CONTRACTS, file_name

# contract: (typical open interest, leveraged net std, asset-manager net std)
_SCALE = {"BRL": (55000.0, 18000.0, 7000.0), "DXY": (40000.0, 9000.0, 5000.0)}


def _tuesdays(start: date, end: date) -> list[date]:
    day = start + timedelta(days=(1 - start.weekday()) % 7)
    out = []
    while day <= end:
        out.append(day)
        day += timedelta(days=7)
    return out


def _ar1(rng: np.random.Generator, n: int, phi: float, std: float) -> np.ndarray:
    out, x = np.empty(n), 0.0
    innov = std * np.sqrt(1 - phi**2)
    for i in range(n):
        x = phi * x + innov * rng.standard_normal()
        out[i] = x
    return out


def _rows(code: str, days: list[date], rng: np.random.Generator) -> list[dict[str, str]]:
    inst = BY_CODE[code]
    oi_level, lev_std, am_std = _SCALE[code]
    n = len(days)
    size = oi_level * np.exp(_ar1(rng, n, 0.97, 0.25))  # the market's scale
    lev = _ar1(rng, n, 0.93, lev_std)
    am = 0.5 * lev * am_std / lev_std + _ar1(rng, n, 0.95, am_std * 0.8)
    other = _ar1(rng, n, 0.9, 0.05 * oi_level)
    nonrept = _ar1(rng, n, 0.9, 0.03 * oi_level)
    dealer = -(lev + am + other + nonrept)
    gross_share = {"dealer": 0.55, "am": 0.25, "lev": 0.45, "other": 0.08, "nonrept": 0.1}
    rows = []
    for i, day in enumerate(days):
        pos: dict[str, tuple[int, int]] = {}
        for name, net in (
            ("dealer", dealer[i]),
            ("am", am[i]),
            ("lev", lev[i]),
            ("other", other[i]),
            ("nonrept", nonrept[i]),
        ):
            gross = max(gross_share[name] * size[i], abs(net) + 200.0)
            long_, short = round((gross + net) / 2), round((gross - net) / 2)
            pos[name] = (max(long_, 0), max(short, 0))
        longs = sum(v[0] for v in pos.values())
        shorts = sum(v[1] for v in pos.values())
        spreads = round(0.04 * size[i])
        open_interest = max(longs, shorts) + spreads
        rows.append(
            {
                "market_and_exchange_names": inst.name,
                DATE_FIELD: f"{day.isoformat()}T00:00:00.000",
                "cftc_contract_market_code": inst.cftc_code,
                "open_interest_all": str(open_interest),
                "dealer_positions_long_all": str(pos["dealer"][0]),
                "dealer_positions_short_all": str(pos["dealer"][1]),
                "asset_mgr_positions_long": str(pos["am"][0]),
                "asset_mgr_positions_short": str(pos["am"][1]),
                "lev_money_positions_long": str(pos["lev"][0]),
                "lev_money_positions_short": str(pos["lev"][1]),
                "other_rept_positions_long": str(pos["other"][0]),
                "other_rept_positions_short": str(pos["other"][1]),
                "nonrept_positions_long_all": str(pos["nonrept"][0]),
                "nonrept_positions_short_all": str(pos["nonrept"][1]),
            }
        )
    return rows


def cftc_files(start: date, end: date, seed: int = 17) -> dict[str, Any]:
    """``cftc__<code>.json`` for the default contracts (BRL, DXY): weekly Tuesday reports."""
    days = _tuesdays(start, end)
    files = {}
    for k, code in enumerate(DEFAULT_CONTRACTS):
        rng = np.random.default_rng([seed, 4217, k])
        files[file_name(code)] = _rows(code, days, rng)
    return files
