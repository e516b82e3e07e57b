"""The portfolio step of the daily cycle: the day's signals → target weights, persisted.

Inputs, all point in time for ``run_date``:

- ``analytics.signals`` (method ``confidence_weighted``) of the date;
- the cross-asset agent's regime probabilities (``analytics.agent_reports``), mapped to
  per-instrument multipliers by :data:`REGIME_MULTIPLIERS`;
- the Ledoit–Wolf covariance of the daily excess returns of the last :data:`COV_YEARS` years
  (``backtest.market.load_returns`` with ``as_of = run_date``);
- current levels (DI1 1y, real 5y, UST 10y, USD/BRL) for the modified durations and FX delta.

Instruments with a signal but too little return history in the window cannot be sized (no
covariance): they are left out of the book and listed in ``PortfolioRun.dropped``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from macro_models.portfolio.constraints import PortfolioLimits
from macro_models.portfolio.construct import Method, PortfolioConstructor
from macro_models.portfolio.regime import regime_multipliers

# R$ 1bn: the size the fund's limits are calibrated on (a mid-sized Brazilian macro fund);
# every weight is a fraction of it, so only the BRL columns and the DV01 budget depend on it.
DEFAULT_NAV = 1_000_000_000.0
TARGET_VOL = 0.10  # annual ex-ante vol, the fund's mandate
KELLY_FRACTION = 0.5  # half Kelly: the edge estimates are noisy, full Kelly over-bets them
COV_YEARS = 2  # covariance window: two years of sessions (~500), recent but not one regime
MIN_OBSERVATIONS = 120  # sessions with a return needed in the window to size an instrument
SIGNAL_METHOD = "confidence_weighted"

# Limits in the scale of DEFAULT_NAV; the DV01 budget is rescaled with the NAV.
DEFAULT_LIMITS = PortfolioLimits(
    # Per class gross: rates are low-vol per unit notional (DI1 1y ~1.5 % a year), so they
    # need the most notional for the same risk; FX and equity are ~15-20 % vol instruments,
    # where 1x NAV is already more than the whole vol target.
    gross_by_class={"rates": 4.0, "inflation": 1.5, "fx": 1.0, "equity": 1.0},
    # Total gross 5x NAV: the usual ceiling of a futures-based macro fund's leverage.
    total_gross=5.0,
    # R$ 150k per bp on R$ 1bn: 1.5 years of duration on the NAV, 75 % of the risk step's DV01
    # limit (2 years), so a fresh book never starts at the limit's warning level (80 %).
    dv01_budget_brl=150_000.0,
    # Net USD delta at most 50 % of NAV: a 20 % BRL move then costs at most 10 % of NAV.
    fx_delta_limit=0.5,
)

# How much to trust a LONG view per asset class in each regime (fund sign convention:
# USDBRL +1 = long dollars, so risk-off favours it). Rates mix payers (DI1) and receivers (ZN)
# under one class, so they are left at 1.
REGIME_MULTIPLIERS: dict[str, float | dict[str, float]] = {
    "risk_off": {"equity": 0.5, "fx": 1.5},
    "risk_on": {"equity": 1.5, "fx": 0.67},
    "neutral": 1.0,
}

# USD share of each instrument's notional (the returns are unhedged BRL returns of USD assets).
FX_DELTA = {"USDBRL": 1.0, "DOL": 1.0, "ES": 1.0, "ZN": 1.0}


@dataclass(frozen=True)
class PortfolioRun:
    """One day's book: ``targets`` is ``PortfolioConstructor.construct``'s frame."""

    run_date: date
    method: str
    nav_brl: float
    targets: pd.DataFrame
    report: dict[str, Any]
    limits_report: pd.DataFrame
    regime: dict[str, Any]
    dropped: list[str] = field(default_factory=list)


def modified_durations(di1_1y: float, real_5y: float, ust_10y: float) -> dict[str, float]:
    """Signed modified durations (years) from current rates in % p.a., from the backtest's own
    sensitivities (``backtest.market.rate_sensitivities``): DI1 and NTNB are the 1- and 5-year
    constant-maturity zeros, ZN the 6 % 10-year note. DI1 is negative because +1 pays the rate
    (it gains when rates rise)."""
    from macro_models.backtest.market import rate_sensitivities

    per_bp = rate_sensitivities(di1_1y, real_5y, ust_10y)
    return {k: float(-v * 10_000) for k, v in per_bp.items()}


def build_meta(instruments: list[str], levels: dict[str, float]) -> pd.DataFrame:
    """``asset_class``, ``mod_duration`` and ``fx_delta`` per instrument (catalog + levels).

    Missing levels fall back to 10 % (DI1), 6 % (real) and 4 % (UST), rough recent averages,
    so a stale curve never leaves a rates position without a duration.
    """
    from macro_models.catalog.instruments import load_instruments

    catalog = load_instruments()
    durations = modified_durations(
        levels.get("di1_1y", 10.0), levels.get("real_5y", 6.0), levels.get("ust_10y", 4.0)
    )
    meta = pd.DataFrame(index=pd.Index(instruments, name="instrument_id"))
    meta["asset_class"] = [catalog[i].asset_class if i in catalog else "other" for i in instruments]
    meta["mod_duration"] = [durations.get(i, 0.0) for i in instruments]
    meta["fx_delta"] = [FX_DELTA.get(i, 0.0) for i in instruments]
    return meta


def _last(engine: Engine, columns: tuple[str, ...], run_date: date) -> float | None:
    from macro_models.pit import PointInTimeLoader

    loader = PointInTimeLoader(engine, calendar="B3")
    for column in columns:
        try:
            frame = loader.load([column], run_date - timedelta(days=30), run_date, run_date)
        except ValueError:
            continue
        values = frame[column].dropna()
        if len(values):
            return float(values.iloc[-1])
    return None


def current_levels(engine: Engine, run_date: date) -> dict[str, float]:
    """Latest DI1 1y, real 5y, UST 10y (% p.a.) and USD/BRL known at ``run_date``."""
    from macro_models.backtest import market

    wanted = {
        "di1_1y": market.DI1_1Y,
        "real_5y": market.NTNB_5Y,
        "ust_10y": market.UST10,
        "usdbrl": market.USDBRL,
    }
    out = {}
    for name, columns in wanted.items():
        value = _last(engine, columns, run_date)
        if value is not None:
            out[name] = value
    return out


def load_signals(engine: Engine, run_date: date) -> pd.DataFrame:
    """The date's confidence-weighted signals, indexed by instrument_id; ValueError if none."""
    with engine.connect() as conn:
        frame = pd.read_sql(
            text(
                "select instrument_id, exposure, n_votes, agreement, crowded, weight "
                "from analytics.signals where as_of_date = :d and method = :m "
                "order by instrument_id"
            ),
            conn,
            params={"d": run_date, "m": SIGNAL_METHOD},
        )
    if frame.empty:
        raise ValueError(f"no {SIGNAL_METHOD} signals for {run_date}: run the signals step first")
    return frame.set_index("instrument_id")


def load_regime(engine: Engine, run_date: date) -> dict[str, Any]:
    """The cross-asset agent's regime and probabilities of the date ({} without a report)."""
    with engine.connect() as conn:
        report = conn.execute(
            text(
                "select report from analytics.agent_reports "
                "where as_of_date = :d and agent_id = 'cross_asset'"
            ),
            {"d": run_date},
        ).scalar()
    if not report:
        return {}
    diagnostics = report.get("diagnostics", {})
    return {
        "regime": diagnostics.get("regime"),
        "probabilities": diagnostics.get("probabilities") or {},
    }


def returns_window(engine: Engine, run_date: date, years: int = COV_YEARS) -> pd.DataFrame:
    """Daily excess returns of the B3 sessions in the ``years`` before ``run_date``, as known
    at ``run_date`` (sessions × instruments, NaN where no data)."""
    from macro_models.backtest.market import load_returns

    start = run_date - timedelta(days=int(365.25 * years))
    return load_returns(engine, start, run_date, as_of=run_date).returns


def usable(returns: pd.DataFrame, min_observations: int = MIN_OBSERVATIONS) -> list[str]:
    """Instruments with at least ``min_observations`` returns in the window."""
    counts = returns.notna().sum()
    return [str(c) for c in counts.index[counts >= min_observations]]


def daily_covariance(returns: pd.DataFrame) -> pd.DataFrame:
    """Ledoit–Wolf covariance (daily, per unit notional squared) of the complete rows.

    The shrinkage acts on the correlation and the sample vols are kept
    (``risk.covariance.scaled_ledoit_wolf``: plain Ledoit–Wolf would inflate DI1's variance).
    """
    from macro_models.risk.covariance import scaled_ledoit_wolf

    cov, _ = scaled_ledoit_wolf(returns.dropna(how="any").to_numpy(dtype=float))
    return pd.DataFrame(cov, index=returns.columns, columns=returns.columns)


def _multipliers(regime: dict[str, Any], meta: pd.DataFrame) -> pd.Series | None:
    probabilities = regime.get("probabilities") or {}
    if not probabilities and regime.get("regime"):
        probabilities = {regime["regime"]: 1.0}
    if not probabilities or sum(probabilities.values()) <= 0:
        return None
    return regime_multipliers(probabilities, REGIME_MULTIPLIERS, meta["asset_class"])


def scaled_limits(nav_brl: float, limits: PortfolioLimits = DEFAULT_LIMITS) -> PortfolioLimits:
    """``limits`` with the DV01 budget rescaled from DEFAULT_NAV to ``nav_brl``."""
    dv01 = limits.dv01_budget_brl
    return PortfolioLimits(
        gross_by_class=limits.gross_by_class,
        net_by_class=limits.net_by_class,
        total_gross=limits.total_gross,
        dv01_budget_brl=None if dv01 is None else dv01 * nav_brl / DEFAULT_NAV,
        fx_delta_limit=limits.fx_delta_limit,
    )


def run_portfolio(
    engine: Engine,
    run_date: date,
    nav_brl: float = DEFAULT_NAV,
    method: Method = "black_litterman",
) -> PortfolioRun:
    """Target weights for ``run_date`` (not saved; see :func:`save_targets`).

    Raises
    ------
    ValueError
        If the date has no signals, or no signalled instrument has enough return history.
    """
    signals = load_signals(engine, run_date)
    returns = returns_window(engine, run_date)
    keep = [i for i in usable(returns) if i in signals.index]
    dropped = sorted(set(signals.index) - set(keep))
    if not keep:
        raise ValueError(f"no signalled instrument has {MIN_OBSERVATIONS} returns to {run_date}")
    cov = daily_covariance(returns[keep])
    levels = current_levels(engine, run_date)
    meta = build_meta(keep, levels)
    regime = load_regime(engine, run_date)
    constructor = PortfolioConstructor(
        method=method,
        target_vol=TARGET_VOL,
        kelly_fraction=KELLY_FRACTION,
        limits=scaled_limits(nav_brl),
    )
    targets = constructor.construct(
        signals.loc[keep], cov, meta, nav_brl, _multipliers(regime, meta), levels.get("usdbrl")
    )
    report = {**constructor.report_, "levels": levels, "dropped": dropped}
    return PortfolioRun(
        run_date, method, nav_brl, targets, report, constructor.limits_report_, regime, dropped
    )


def _none_if_nan(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def save_targets(engine: Engine, run: PortfolioRun) -> None:
    """Replace the date's rows of analytics.portfolio_targets, in one transaction."""
    t = run.targets
    rows = [
        {
            "d": run.run_date,
            "i": str(i),
            "m": run.method,
            "nav": float(run.nav_brl),
            "x": float(np.clip(r["exposure"], -1, 1)),
            "w": float(r["weight"]),
            "n": float(r["notional_brl"]),
            "dv01": float(r["dv01_brl"]),
            "fx": float(r["fx_delta_brl"]),
            "rc": _none_if_nan(r["risk_contribution"]),
        }
        for i, r in t.iterrows()
    ]
    with engine.begin() as conn:
        conn.execute(
            text("delete from analytics.portfolio_targets where as_of_date = :d"),
            {"d": run.run_date},
        )
        if rows:
            conn.execute(
                text(
                    "insert into analytics.portfolio_targets (as_of_date, instrument_id, method, "
                    "nav_brl, exposure, weight, notional_brl, dv01_brl, fx_delta_brl, "
                    "risk_contribution) values (:d, :i, :m, :nav, :x, :w, :n, :dv01, :fx, :rc)"
                ),
                rows,
            )


def describe(run: PortfolioRun) -> str:
    """One line: positions, gross, ex-ante vol, binding constraints, dropped instruments."""
    w = run.targets["weight"]
    binding = ", ".join(run.report["binding_constraints"]) or "none"
    line = (
        f"{run.method}: {int((w != 0).sum())} positions, gross {w.abs().sum():.1f}x NAV, "
        f"ex-ante vol {run.report['ex_ante_vol']:.1%}, binding: {binding}"
    )
    if run.dropped:
        line += f"; no return history: {', '.join(run.dropped)}"
    return line
