"""Deterministic Yahoo Finance chart payloads (``/v8/finance/chart``) for the fund's markets.

Daily log returns come from a small factor model on weekdays: a global equity factor, a Brazil
factor, a dollar factor and commodity shocks with fat tails. The Ibovespa loads on global and
Brazil risk, USD/BRL rises when Brazil sells off, EWZ is the Ibovespa in dollars, the VIX is a
mean-reverting log process that jumps when the S&P falls, and Vale loads on Brazil, the real
and its own iron-ore shock. Each symbol is sampled on its own exchange's sessions, with Yahoo's
timestamps (session open for cash markets, local midnight for futures and FX), open/high/low
around the close, volumes where Yahoo has them, adj_close back-adjusted for dividends, and a
few all-null bars as Yahoo serves them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from macro_models.calendars import business_days
from macro_models.connectors.yahoo import BY_CODE

_SQRT252 = np.sqrt(252)
# code: (start level, rounding, bar time (local), calendar, typical volume, dividend yield)
_SPEC: dict[str, tuple[float, int, time, str, float, float]] = {
    "BVSP": (51_500.0, 2, time(10, 0), "B3", 1.1e7, 0.0),
    "GSPC": (1_830.0, 2, time(9, 30), "NYSE", 3.4e9, 0.0),
    "EWZ": (43.5, 2, time(9, 30), "NYSE", 2.4e7, 0.04),
    "USDBRL": (2.38, 4, time(0, 0), "FX", 0.0, 0.0),
    "DXY": (80.6, 3, time(0, 0), "NYSE", 0.0, 0.0),
    "VIX": (14.0, 2, time(8, 30), "NYSE", 0.0, 0.0),
    "BRENT": (107.0, 2, time(0, 0), "NYSE", 2.0e4, 0.0),
    "SOYBEAN": (1_270.0, 2, time(0, 0), "NYSE", 6.0e4, 0.0),
    "COPPER": (3.38, 4, time(0, 0), "NYSE", 3.5e4, 0.0),
    "GOLD": (1_225.0, 1, time(0, 0), "NYSE", 1.5e5, 0.0),
    "VALE": (15.2, 2, time(9, 30), "NYSE", 2.5e7, 0.07),
}
_EXCHANGE = {  # meta.exchangeName, fullExchangeName, instrumentType
    "BVSP": ("SAO", "São Paulo", "INDEX"), "GSPC": ("SNP", "SNP", "INDEX"),
    "EWZ": ("PCX", "NYSEArca", "ETF"), "USDBRL": ("CCY", "CCY", "CURRENCY"),
    "DXY": ("NYB", "ICE Futures", "INDEX"), "VIX": ("CXI", "Cboe Indices", "INDEX"),
    "BRENT": ("NYM", "NY Mercantile", "FUTURE"), "SOYBEAN": ("CBT", "CBOT", "FUTURE"),
    "COPPER": ("CMX", "COMEX", "FUTURE"), "GOLD": ("CMX", "COMEX", "FUTURE"),
    "VALE": ("NYQ", "NYSE", "EQUITY"),
}  # fmt: skip
_NULL_BAR_PROB = 0.003
# FX, the dollar index and commodities mean-revert in logs around a trend (annual log drift),
# with a two-year half-life, so that levels stay in their historical bands.
_TREND = {"USDBRL": 0.08, "DXY": 0.025, "BRENT": -0.02, "SOYBEAN": -0.01, "COPPER": 0.02,
          "GOLD": 0.07}  # fmt: skip
_REVERSION = np.log(2) / (2 * 252)


def _log_returns(days: list[date], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Daily log returns of every code on the weekday grid ``days``."""
    n = len(days)

    def shock(vol: float) -> np.ndarray:
        return rng.standard_t(5, n) * np.sqrt(3 / 5) * vol / _SQRT252

    g, b, fx, usd = shock(0.15), shock(0.20), shock(0.10), shock(0.07)
    r = {
        "GSPC": 0.08 / 252 + g,
        "BVSP": 0.07 / 252 + 0.8 * g + b,
        "USDBRL": 0.06 / 252 - 0.25 * g - 0.35 * b + fx,
        "DXY": 0.015 / 252 - 0.1 * g + usd,
        "BRENT": -0.02 / 252 + 0.3 * g + shock(0.33),
        "SOYBEAN": -0.01 / 252 + 0.15 * g + shock(0.20),
        "COPPER": 0.02 / 252 + 0.4 * g + shock(0.22),
        "GOLD": 0.05 / 252 - 0.05 * g - 0.5 * usd + shock(0.13),
    }
    r["VALE"] = 0.02 / 252 + 0.5 * g + 0.5 * b - 0.8 * r["USDBRL"] + shock(0.25)
    return r


def _vix_levels(g_returns: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    mean, x, out = np.log(17.0), np.log(14.0), np.empty(len(g_returns))
    for i, rg in enumerate(g_returns):
        x = mean + 0.97 * (x - mean) - 6.0 * rg + rng.normal(0, 0.045)
        out[i] = x
    return np.exp(out)


def _mean_reverting(level: float, trend: float, shocks: np.ndarray) -> np.ndarray:
    anchor = np.log(level) + trend / 252 * np.arange(len(shocks))
    x, out = anchor[0], np.empty(len(shocks))
    for i, shock in enumerate(shocks):
        x += shock - _REVERSION * (x - anchor[i])
        out[i] = x
    return np.exp(out)


def _sessions(code: str, cal: str, start: date, end: date) -> set[date]:
    if cal == "FX":  # FX trades every weekday but New Year's Day and Christmas
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        return {d for d in days if d.weekday() < 5 and (d.month, d.day) not in {(1, 1), (12, 25)}}
    return set(business_days(start, end, cal))


def generate_yahoo(start: date, end: date, seed: int = 23) -> dict[str, dict[str, Any]]:
    """Chart documents keyed by code (``{"chart": {"result": [...], "error": null}}``)."""
    rng = np.random.default_rng(seed)
    grid = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    grid = [d for d in grid if d.weekday() < 5]
    if not grid:
        return {}
    returns = _log_returns(grid, rng)
    levels = {}
    for code, (level, *_) in _SPEC.items():
        if code == "VIX":
            levels[code] = _vix_levels(returns["GSPC"], rng)
        elif code in _TREND:
            levels[code] = _mean_reverting(level, _TREND[code], returns[code])
        elif code != "EWZ":
            levels[code] = level * np.exp(np.cumsum(returns[code]))
    # EWZ is the Ibovespa in dollars, with a little tracking error.
    tracking = _mean_reverting(1.0, 0.0, rng.normal(0, 0.003, len(grid)))
    dollars = (levels["BVSP"] / levels["BVSP"][0]) / (levels["USDBRL"] / levels["USDBRL"][0])
    levels["EWZ"] = _SPEC["EWZ"][0] * dollars * tracking
    docs = {}
    for code, (_, nd, bar_time, cal, volume, div_yield) in _SPEC.items():
        sessions = _sessions(code, cal, start, end)
        keep = [i for i, d in enumerate(grid) if d in sessions]
        docs[code] = _document(code, [grid[i] for i in keep], levels[code][keep], nd, bar_time,
                               volume, div_yield, end, rng)  # fmt: skip
    return docs


def _document(
    code: str,
    days: list[date],
    closes: np.ndarray,
    nd: int,
    bar_time: time,
    volume: float,
    div_yield: float,
    end: date,
    rng: np.random.Generator,
) -> dict[str, Any]:
    inst = BY_CODE[code]
    tz = ZoneInfo(inst.exchange_tz)
    n = len(days)
    prev = np.concatenate([[closes[0]], closes[:-1]]) if n else closes
    day_vol = np.abs(np.log(closes / prev)) + 0.004
    opens = prev * np.exp(rng.normal(0, 0.3, n) * day_vol)
    highs = np.maximum(opens, closes) * np.exp(np.abs(rng.normal(0, 0.5, n)) * day_vol)
    lows = np.minimum(opens, closes) * np.exp(-np.abs(rng.normal(0, 0.5, n)) * day_vol)
    years_to_end = np.array([(end - d).days / 365.25 for d in days])
    adj = closes * np.exp(-div_yield * years_to_end)
    vols = np.round(volume * np.exp(rng.normal(0, 0.35, n))) if volume else np.zeros(n)
    null = rng.random(n) < _NULL_BAR_PROB

    def col(values: np.ndarray, digits: int | None) -> list[Any]:
        return [
            None if null[i] else (round(float(v), digits) if digits is not None else int(v))
            for i, v in enumerate(values)
        ]

    stamps = [int(datetime.combine(d, bar_time, tzinfo=tz).timestamp()) for d in days]
    quote = {
        "open": col(opens, nd), "high": col(highs, nd), "low": col(lows, nd),
        "close": col(closes, nd), "volume": col(vols, None),
    }  # fmt: skip
    result = {
        "meta": _meta(code, tz, stamps, float(round(closes[-1], nd)) if n else None),
        "timestamp": stamps,
        "indicators": {"quote": [quote], "adjclose": [{"adjclose": col(adj, nd)}]},
    }
    return {"chart": {"result": [result], "error": None}}


def _meta(code: str, tz: ZoneInfo, stamps: list[int], last: float | None) -> dict[str, Any]:
    inst = BY_CODE[code]
    exchange, full_name, kind = _EXCHANGE[code]
    last_ts = stamps[-1] if stamps else 0
    local = datetime.fromtimestamp(last_ts, tz)
    utc_offset = local.utcoffset()
    offset = int(utc_offset.total_seconds()) if utc_offset is not None else 0
    abbrev = local.tzname()
    period = {"timezone": abbrev, "start": last_ts, "end": last_ts + 23_400, "gmtoffset": offset}
    return {
        "currency": inst.currency,
        "symbol": inst.symbol,
        "exchangeName": exchange,
        "fullExchangeName": full_name,
        "instrumentType": kind,
        "firstTradeDate": stamps[0] if stamps else None,
        "regularMarketTime": last_ts + 23_400,
        "hasPrePostMarketData": kind in ("EQUITY", "ETF"),
        "gmtoffset": offset,
        "timezone": abbrev,
        "exchangeTimezoneName": inst.exchange_tz,
        "regularMarketPrice": last,
        "chartPreviousClose": last,
        "priceHint": 4 if code in ("USDBRL", "COPPER") else 2,
        "currentTradingPeriod": {"pre": period, "regular": period, "post": period},
        "dataGranularity": "1d",
        "range": "",
        "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
    }


def yahoo_files(start: date, end: date, seed: int) -> dict[str, dict[str, Any]]:
    return {
        f"yahoo__{code}.json": doc for code, doc in generate_yahoo(start, end, seed + 16).items()
    }
