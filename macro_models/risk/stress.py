"""Stress scenarios as data: historical replays and hypothetical shocks, and their P&L.

A shock is a return per unit notional (a fraction) of a +1 position in the fund's convention
(``TargetExposure``, backtest.market): long the price for LTN, NTNB, DAP, ZN, IND, ES; long
dollars for USDBRL and DOL; and for DI1 *paying* the rate, which gains when rates rise. Rate
moves in bp become returns with :func:`yield_shock_to_return` and the modified durations of the
instruments as the backtest and the risk report price them (years).

Instruments: DI1 (one-day DI future, the 1-year constant-maturity contract), LTN (2y zero
prefixado), NTNB (5-year real zero, as in backtest.market), DAP (DI x IPCA future, ~2030),
USDBRL (spot, +: BRL weakens), DOL (B3 dollar future, as USDBRL), IND (Ibovespa future), ES
(E-mini S&P 500), ZN (10y US Treasury note future).

The hand-set historical shocks are approximate, from memory of the closing levels at the window
ends (one line each, sources in the comments); they are the fallback when an instrument has no
data in the window, and should be replaced by replays wherever the data exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

MOD_DURATION: dict[str, float] = {"DI1": 0.9, "LTN": 1.8, "NTNB": 4.7, "DAP": 4.0, "ZN": 6.5}
# Instruments whose +1 position pays the rate: a yield rise is a gain.
PAYERS = frozenset({"DI1"})


def yield_shock_to_return(bp: float, mod_duration: float) -> float:
    """Return of a long-price position for a yield move of ``bp`` basis points.

    ``-D * bp / 10_000`` with ``D`` the modified duration in years (first order).
    """
    return -mod_duration * bp / 10_000.0


def _rates(bp: Mapping[str, float]) -> dict[str, float]:
    return {
        k: (-1 if k in PAYERS else 1) * yield_shock_to_return(v, MOD_DURATION[k])
        for k, v in bp.items()
    }


@dataclass(frozen=True)
class Scenario:
    """A named set of shocks (instrument id -> return per unit notional).

    ``window`` is the (start, end) of a historical replay, inclusive; None when hypothetical.
    """

    name: str
    kind: Literal["historical", "hypothetical"]
    description: str
    shocks: Mapping[str, float] = field(default_factory=dict)
    window: tuple[date, date] | None = None


HISTORICAL: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "taper_tantrum_2013",
            "historical",
            "Bernanke's 22 May testimony hints at tapering QE; EM FX and rates sell off until "
            "the early-September peak in UST yields.",
            # USDBRL ~2.04 -> ~2.33, Ibovespa ~56k -> ~52k, UST 10y ~2.0% -> ~2.9%.
            {"USDBRL": 0.14, "DOL": 0.14, "IND": -0.08, "ES": 0.0}
            | _rates({"ZN": 90, "DI1": 230, "LTN": 230, "NTNB": 170, "DAP": 150}),
            (date(2013, 5, 22), date(2013, 9, 5)),
        ),
        Scenario(
            "brazil_downgrade_2015",
            "historical",
            "S&P cuts Brazil to junk on 9 Sep 2015; the month around it, BRL passes 4.",
            # USDBRL ~3.62 -> ~3.96, Ibovespa ~46.6k -> ~45k, DI1F17 ~14.2% -> ~15.6%.
            {"USDBRL": 0.095, "DOL": 0.095, "IND": -0.035, "ES": -0.025}
            | _rates({"ZN": -15, "DI1": 140, "LTN": 140, "NTNB": 50, "DAP": 60}),
            (date(2015, 8, 31), date(2015, 9, 30)),
        ),
        Scenario(
            "truckers_strike_2018",
            "historical",
            "Truckers' strike paralyses Brazil from 21 May 2018; local rates and equities "
            "sell off until the BCB's FX intervention of early June.",
            # Ibovespa ~83k -> ~73k, DI 2y about +150bp, BRL back near 3.7 after the BCB.
            {"USDBRL": 0.01, "DOL": 0.01, "IND": -0.12, "ES": 0.017}
            | _rates({"ZN": -12, "DI1": 150, "LTN": 150, "NTNB": 80, "DAP": 90}),
            (date(2018, 5, 21), date(2018, 6, 8)),
        ),
        Scenario(
            "covid_2020",
            "historical",
            "COVID-19 crash: from the S&P 500 peak of 19-20 Feb 2020 to the 23 Mar trough.",
            # Ibovespa ~114k -> ~64k, S&P 3373 -> 2237, USDBRL ~4.39 -> ~5.08.
            {"USDBRL": 0.16, "DOL": 0.16, "IND": -0.44, "ES": -0.34, "ZN": 0.04}
            | _rates({"DI1": 80, "LTN": 80, "NTNB": 150, "DAP": 120}),
            (date(2020, 2, 20), date(2020, 3, 23)),
        ),
        Scenario(
            "hiking_cycle_2022",
            "historical",
            "First half of 2022: the Fed starts hiking, UST 10y +140bp; Selic on to 13.25%.",
            # S&P 4796 -> 3785, Ibovespa ~104k -> ~98k, USDBRL ~5.63 -> ~5.23.
            {"USDBRL": -0.07, "DOL": -0.07, "IND": -0.06, "ES": -0.21}
            | _rates({"ZN": 140, "DI1": 200, "LTN": 200, "NTNB": 80, "DAP": 100}),
            (date(2022, 1, 3), date(2022, 6, 30)),
        ),
    )
}

HYPOTHETICAL: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "br_fiscal_crisis",
            "hypothetical",
            "Brazilian fiscal rule abandoned: BRL -20% (USDBRL +25%), DI pays +400bp, real "
            "yields +250bp, equities -30%; the rest of the world barely moves.",
            {"USDBRL": 0.25, "DOL": 0.25, "IND": -0.30, "ES": -0.05, "ZN": 0.01}
            | _rates({"DI1": 400, "LTN": 400, "NTNB": 250, "DAP": 250}),
        ),
        Scenario(
            "global_risk_off",
            "hypothetical",
            "Global equity sell-off with a flight to Treasuries; EM FX and local rates follow.",
            {"ES": -0.20, "IND": -0.25, "USDBRL": 0.15, "DOL": 0.15, "ZN": 0.04}
            | _rates({"DI1": 150, "LTN": 150, "NTNB": 100, "DAP": 100}),
        ),
    )
}

SCENARIOS: dict[str, Scenario] = HISTORICAL | HYPOTHETICAL


@dataclass(frozen=True)
class ReplayedShocks:
    """Shocks per instrument and where each came from: "data", "hand_set" or "missing"."""

    shocks: dict[str, float]
    source: dict[str, str]


def historical_shocks(
    returns: pd.DataFrame,
    window: tuple[date, date],
    fallback: Mapping[str, float] | None = None,
) -> ReplayedShocks:
    """Compound daily returns over a window, falling back to hand-set shocks.

    Parameters
    ----------
    returns : DataFrame
        Daily simple returns per unit notional, DatetimeIndex, one column per instrument.
    window : (date, date)
        First and last day, inclusive.
    fallback : mapping, optional
        Instrument -> shock used when the instrument has no return in the window (e.g. a
        :class:`Scenario`'s ``shocks``). Instruments only in ``fallback`` are included too.

    Returns
    -------
    ReplayedShocks
        ``prod(1 + r) - 1`` over the days with data in the window (source "data"), else the
        fallback (source "hand_set"), else NaN (source "missing").
    """
    start, end = (pd.Timestamp(d) for d in window)
    if start > end:
        raise ValueError(f"window start {window[0]} is after its end {window[1]}")
    inside = returns.loc[(returns.index >= start) & (returns.index <= end)]
    compounded = (1.0 + inside).prod(min_count=1) - 1.0
    fallback = dict(fallback or {})
    shocks: dict[str, float] = {}
    source: dict[str, str] = {}
    for name in list(returns.columns) + [k for k in fallback if k not in returns.columns]:
        value = compounded.get(name, np.nan)
        if pd.notna(value):
            shocks[str(name)], source[str(name)] = float(value), "data"
        elif name in fallback:
            shocks[str(name)], source[str(name)] = float(fallback[name]), "hand_set"
        else:
            shocks[str(name)], source[str(name)] = float("nan"), "missing"
    return ReplayedShocks(shocks, source)


def replay(returns: pd.DataFrame, scenario: Scenario) -> ReplayedShocks:
    """:func:`historical_shocks` over a historical scenario's window, its shocks as fallback."""
    if scenario.window is None:
        raise ValueError(f"scenario {scenario.name!r} has no window to replay")
    return historical_shocks(returns, scenario.window, scenario.shocks)


def stress_pnl(w: pd.Series, shocks: Mapping[str, float]) -> pd.Series:
    """P&L of a book under shocks, by position and in total.

    Parameters
    ----------
    w : Series
        Exposures in BRL notional, indexed by instrument id.
    shocks : mapping
        Instrument id -> return per unit notional.

    Returns
    -------
    Series
        ``w_i * shock_i`` in BRL per position, then a last row ``"total"``.

    Raises
    ------
    ValueError
        Listing the positions without a (non-NaN) shock.
    """
    if "total" in w.index:
        raise ValueError("a position may not be named 'total'")
    s = pd.Series({k: shocks.get(k, np.nan) for k in w.index}, dtype=float)
    missing = s.index[s.isna()]
    if len(missing) > 0:
        raise ValueError(f"no shock for positions: {sorted(map(str, missing))}")
    pnl = w.astype(float) * s
    return pd.concat([pnl, pd.Series({"total": pnl.sum()})]).rename("pnl")
