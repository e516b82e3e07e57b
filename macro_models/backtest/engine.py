"""The vectorised portfolio engine: signals in, daily P&L net of costs out.

Timing (no look-ahead): a signal dated s was computed with data known at the close of s. The
position held over session D (earning D's return, close D−1 to close D) is the one set by the
latest signal dated strictly before D, traded at the close of the session before D. So day D's
position uses data known at D−1's close at the latest.

Sizing: exposure x in [−1, 1] of instrument i becomes a weight (fraction of NAV)
``w = x · vol_target / σ_i / √legs`` with σ_i the annualised EWMA volatility of i's returns
known at the signal's close and legs the number of instruments the signal trades (so a
multi-leg signal is about ``vol_target`` in total when its legs are uncorrelated). Gross
leverage and margin are capped by scaling the whole signal down. Weights are constant
fractions of NAV between signals (the usual vectorised convention: daily P&L is w·r).

Costs: every change of weight pays ``cost_bps`` plus ``slippage_vol · σ_daily`` per unit of
notional traded. Returns are excess returns (over the CDI cash of the fund).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from macro_models.backtest.costs import DEFAULT_COSTS, InstrumentCosts

PERIODS = 252


@dataclass(frozen=True)
class EngineConfig:
    """vol_target : annual volatility of one unit of exposure (decimal).
    vol_halflife : sessions, half-life of the EWMA volatility.
    min_history : sessions of returns an instrument needs before it is traded.
    max_gross : cap on Σ|w| (gross leverage, multiple of NAV).
    max_margin : cap on Σ|w|·margin (initial margin as a fraction of NAV).
    """

    vol_target: float = 0.10
    vol_halflife: int = 42
    min_history: int = 21
    max_gross: float = 6.0
    max_margin: float = 0.5
    costs: Mapping[str, InstrumentCosts] = field(default_factory=lambda: dict(DEFAULT_COSTS))

    def __post_init__(self) -> None:
        for name in ("vol_target", "vol_halflife", "min_history", "max_gross", "max_margin"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")


@dataclass(frozen=True)
class Simulation:
    """Per session: ``returns`` net excess return of the book; ``gross`` before costs;
    ``costs``; ``weights`` held (fractions of NAV); ``pnl`` each instrument's gross
    contribution; ``turnover`` Σ|Δw|; ``margin`` initial margin / NAV; ``leverage`` Σ|w|."""

    returns: pd.Series
    gross: pd.Series
    costs: pd.Series
    weights: pd.DataFrame
    pnl: pd.DataFrame
    turnover: pd.Series
    margin: pd.Series
    leverage: pd.Series


def ewma_vol(returns: pd.DataFrame, halflife: int, min_history: int) -> pd.DataFrame:
    """Daily EWMA volatility known at each session's close (its own return included)."""
    return returns.ewm(halflife=halflife, min_periods=min_history, ignore_na=True).std()


def size_signals(
    exposures: pd.DataFrame, returns: pd.DataFrame, config: EngineConfig
) -> pd.DataFrame:
    """Weights (fractions of NAV) per signal date from exposures in [−1, 1]."""
    exposures = exposures.reindex(columns=returns.columns).fillna(0.0)
    vol = ewma_vol(returns, config.vol_halflife, config.min_history)
    # σ at the close of each signal date: the last session at or before it.
    pos = np.searchsorted(returns.index.to_numpy(), exposures.index.to_numpy(), side="right") - 1
    sigma = vol.to_numpy()[np.clip(pos, 0, None)] * np.sqrt(PERIODS)
    sigma[pos < 0] = np.nan
    legs = np.maximum((exposures.to_numpy() != 0).sum(axis=1, keepdims=True), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = exposures.to_numpy() * config.vol_target / sigma / np.sqrt(legs)
    w = np.where(np.isfinite(w), w, 0.0)
    margin = np.array([config.costs[c].margin for c in returns.columns])
    gross = np.abs(w).sum(axis=1)
    used = (np.abs(w) * margin).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.minimum.reduce(
            [
                np.ones(len(w)),
                np.where(gross > 0, config.max_gross / gross, 1.0),
                np.where(used > 0, config.max_margin / used, 1.0),
            ]
        )
    return pd.DataFrame(w * scale[:, None], index=exposures.index, columns=returns.columns)


def hold(signal_weights: pd.DataFrame, sessions: pd.DatetimeIndex) -> pd.DataFrame:
    """The weights held over each session: the latest signal dated strictly before it."""
    pos = np.searchsorted(signal_weights.index.to_numpy(), sessions.to_numpy(), side="left") - 1
    held = signal_weights.to_numpy()[np.clip(pos, 0, None)]
    held[pos < 0] = 0.0
    return pd.DataFrame(held, index=sessions, columns=signal_weights.columns)


def simulate_weights(held: pd.DataFrame, returns: pd.DataFrame, config: EngineConfig) -> Simulation:
    """P&L of weights already held per session (``hold``), net of costs."""
    r = returns.reindex(columns=held.columns).fillna(0.0)
    pnl = held * r
    trades = held.diff().abs()
    trades.iloc[0] = held.iloc[0].abs()
    vol_prev = ewma_vol(returns, config.vol_halflife, config.min_history).shift(1)
    vol_prev = vol_prev.reindex(columns=held.columns).fillna(0.0)
    bps = pd.Series({c: config.costs[c].cost_bps for c in held.columns}) / 10_000
    slip = pd.Series({c: config.costs[c].slippage_vol for c in held.columns})
    costs = (trades * (bps + vol_prev * slip)).sum(axis=1)
    margin = pd.Series({c: config.costs[c].margin for c in held.columns})
    gross = pnl.sum(axis=1)
    return Simulation(
        returns=(gross - costs).rename("return"),
        gross=gross.rename("gross"),
        costs=costs.rename("costs"),
        weights=held,
        pnl=pnl,
        turnover=trades.sum(axis=1).rename("turnover"),
        margin=(held.abs() * margin).sum(axis=1).rename("margin"),
        leverage=held.abs().sum(axis=1).rename("leverage"),
    )


def simulate(
    exposures: pd.DataFrame, returns: pd.DataFrame, config: EngineConfig | None = None
) -> Simulation:
    """Backtest signals.

    Parameters
    ----------
    exposures : DataFrame
        Signal dates × instruments, exposures in [−1, 1] (as of each date's close).
    returns : DataFrame
        Sessions × instruments, daily excess returns per unit notional (backtest.market).
    """
    config = config or EngineConfig()
    unknown = sorted(set(exposures.columns) - set(config.costs))
    if unknown:
        raise ValueError(f"no cost model for instruments {', '.join(unknown)}")
    absent = sorted(set(exposures.columns) - set(returns.columns))
    if absent:
        raise ValueError(f"no returns for instruments {', '.join(absent)}")
    if not exposures.index.is_monotonic_increasing:
        raise ValueError("signal dates must be increasing")
    weights = size_signals(exposures, returns, config)
    return simulate_weights(hold(weights, returns.index), returns, config)
