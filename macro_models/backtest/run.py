"""A backtest from the database: strategies' point-in-time signals → engine → metrics →
walk-forward → tearsheet → analytics.backtest_runs.

For each strategy every variant (backtest.variants) is run; the default variant is the
strategy's backtest, all variants are the trials of the deflated Sharpe ratio and the
candidates of the walk-forward (each fold picks the variant with the best in-sample Sharpe and
holds it over the next year). ``all`` also runs the book: the sum of every strategy's default
weights scaled by 1/√N (equal risk per strategy; about ``vol_target`` in total when the strategies
are uncorrelated), its P&L attributed to the strategies, costs charged on the netted trades.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from macro_models.backtest import metrics as m
from macro_models.backtest.engine import (
    EngineConfig,
    Simulation,
    hold,
    simulate,
    simulate_weights,
    size_signals,
)
from macro_models.backtest.market import MarketReturns, load_returns
from macro_models.backtest.signals import rebalance_dates, strategy_exposures
from macro_models.backtest.tearsheet import render_tearsheet
from macro_models.backtest.variants import variant_id, variant_kwargs
from macro_models.backtest.walk_forward import walk_forward
from macro_models.db.jsonb import jsonable
from macro_models.pit.history import PointInTimeHistory

TRAIN_DAYS, TEST_DAYS = 756, 252
VOL_WARMUP_DAYS = 400


@dataclass
class StrategyRun:
    strategy_id: str
    exposures: pd.DataFrame  # default variant, signal dates × instruments
    skipped: dict[date, str]
    simulation: Simulation
    variants: dict[str, pd.Series]  # variant id -> net excess returns


@dataclass
class BacktestReport:
    strategy_id: str  # a strategy id or "all"
    start: date
    end: date
    params: dict[str, Any]
    returns: pd.Series
    simulation: Simulation
    metrics: dict[str, Any]
    attribution: pd.DataFrame
    folds: pd.DataFrame | None
    strategies: dict[str, StrategyRun] = field(default_factory=dict)
    dv01: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # per unit NAV
    html: str = ""


def _strategy_run(
    engine: Engine,
    strategy_id: str,
    market: MarketReturns,
    dates: list[date],
    end: date,
    config: EngineConfig,
    start: date,
) -> StrategyRun:
    from macro_models.strategies.registry import STRATEGIES

    cls = STRATEGIES[strategy_id]
    first = cls()
    history = PointInTimeHistory(
        engine,
        first.columns,
        dates[0] - timedelta(days=first.lookback_days),
        end,
        until=end,
    )
    variants: dict[str, pd.Series] = {}
    default: tuple[pd.DataFrame, dict[date, str], Simulation] | None = None
    for kwargs in variant_kwargs(strategy_id):
        exposures, skipped = strategy_exposures(cls(**kwargs), history, dates)
        sim = _since(simulate(exposures, market.returns, config), start)
        variants[variant_id(strategy_id, kwargs)] = sim.returns
        if default is None:
            default = (exposures, skipped, sim)
    assert default is not None
    return StrategyRun(strategy_id, default[0], default[1], default[2], variants)


def _since(sim: Simulation, start: date) -> Simulation:
    """The simulation from ``start`` on (earlier sessions only warmed up the volatility)."""
    keep = sim.returns.index >= pd.Timestamp(start)
    return Simulation(*(getattr(sim, f.name)[keep] for f in fields(Simulation)))


def _sharpe(returns: pd.Series) -> float:
    sd = float(returns.std(ddof=1))
    return float(returns.mean() / sd * math.sqrt(m.PERIODS_PER_YEAR)) if sd > 0 else 0.0


def _walk_forward(candidates: pd.DataFrame) -> tuple[pd.DataFrame | None, str]:
    """The folds, or None and why there are none."""
    if candidates.shape[1] < 2:
        return None, "one candidate: nothing to select"
    if len(candidates) < TRAIN_DAYS + 2:
        return None, f"{len(candidates)} sessions, fewer than a {TRAIN_DAYS}-session train window"
    try:
        return walk_forward(candidates, TRAIN_DAYS, TEST_DAYS).folds, ""
    except ValueError as exc:  # e.g. every candidate flat over a train window
        return None, str(exc)


def _attribution(runs: dict[str, StrategyRun], book: Simulation, scale: float) -> pd.DataFrame:
    rows = {}
    for sid, run in runs.items():
        contribution = run.simulation.gross * scale
        rows[sid] = {
            "contribution_ann": float(contribution.mean() * m.PERIODS_PER_YEAR),
            "standalone_sharpe": _sharpe(run.simulation.returns),
            "standalone_vol": float(run.simulation.returns.std() * math.sqrt(252)),
            "active_days": int((run.simulation.weights.abs().sum(axis=1) > 0).sum()),
            "signals_skipped": len(run.skipped),
        }
    rows["costs"] = {"contribution_ann": -float(book.costs.mean() * m.PERIODS_PER_YEAR)}
    return pd.DataFrame.from_dict(rows, orient="index")


def _book(runs: dict[str, StrategyRun], market: MarketReturns, config: EngineConfig) -> Simulation:
    held = None
    for run in runs.values():
        w = hold(size_signals(run.exposures, market.returns, config), market.returns.index)
        held = w if held is None else held.add(w, fill_value=0.0)
    assert held is not None
    return simulate_weights(held * _book_scale(len(runs)), market.returns, config)


def _book_scale(n_strategies: int) -> float:
    return 1.0 / math.sqrt(n_strategies)


def run_backtest(
    engine: Engine,
    strategy_ids: Sequence[str],
    start: date,
    end: date,
    rebalance_every: int = 5,
    config: EngineConfig | None = None,
) -> BacktestReport:
    """Backtest ``strategy_ids`` (one, or several as a book) over the B3 sessions in [start, end].

    Raises
    ------
    ValueError
        For an unknown strategy id, an empty window, or no market returns in it.
    """
    from macro_models.strategies.registry import STRATEGIES

    unknown = sorted(set(strategy_ids) - set(STRATEGIES))
    if unknown:
        raise ValueError(
            f"unknown strategy {', '.join(unknown)}; known: {', '.join(sorted(STRATEGIES))}"
        )
    if end <= start:
        raise ValueError(f"backtest window {start}..{end} is empty")
    config = config or EngineConfig()
    # A year of returns before the start, so the first signals are sized on a known volatility.
    market = load_returns(engine, start - timedelta(days=VOL_WARMUP_DAYS), end, as_of=end)
    window = market.returns.index >= pd.Timestamp(start)
    if market.returns[window].dropna(how="all").empty:
        raise ValueError(f"no instrument returns known between {start} and {end}")
    dates = rebalance_dates(market.returns.index[window], rebalance_every)
    runs = {
        sid: _strategy_run(engine, sid, market, dates, end, config, start) for sid in strategy_ids
    }
    single = len(runs) == 1
    book = next(iter(runs.values())).simulation
    if not single:
        book = _since(_book(runs, market, config), start)
    rates_weights = book.weights.reindex(columns=market.dv01.columns, fill_value=0.0)
    dv01 = (rates_weights * market.dv01.reindex(rates_weights.index)).sum(axis=1)
    trials = pd.DataFrame({k: v for run in runs.values() for k, v in run.variants.items()})
    trial_sharpes = [_sharpe(trials[c]) for c in trials]
    returns = book.returns
    # The deflated Sharpe needs a spread of trials: with a single variant there is none.
    finite = [s for s in trial_sharpes if math.isfinite(s)]
    metrics = m.summary(
        returns, weights=book.weights, trial_sharpes=finite if len(finite) >= 2 else None
    )
    metrics.update(
        n_trials=len(trial_sharpes),
        costs_ann=float(book.costs.mean() * m.PERIODS_PER_YEAR),
        mean_margin=float(book.margin.mean()),
        max_margin=float(book.margin.max()),
        mean_leverage=float(book.leverage.mean()),
        # Net DV01 of the book, BRL per bp per R$ 1m of NAV (DI1, NTN-B and ZN positions).
        mean_abs_dv01_per_mm=float(dv01.abs().mean() * 1e6),
        max_abs_dv01_per_mm=float(dv01.abs().max() * 1e6),
        cdi_ann=float(np.exp(np.log(market.rates["cdi_factor"][window].dropna()).mean() * 252) - 1),
    )
    # Walk-forward: over one strategy's variants, or over the strategies of the book.
    candidates = (
        trials if single else pd.DataFrame({s: r.simulation.returns for s, r in runs.items()})
    )
    folds, why = _walk_forward(candidates.fillna(0.0))
    if folds is None:
        metrics["wf_note"] = why
    else:
        metrics["wf_oos_sharpe_mean"] = float(folds["oos_sharpe"].mean())
        metrics["wf_is_sharpe_mean"] = float(folds["is_sharpe"].mean())
    params = {
        "strategies": list(strategy_ids),
        "rebalance_every_sessions": rebalance_every,
        "vol_target": config.vol_target,
        "vol_halflife": config.vol_halflife,
        "max_gross": config.max_gross,
        "max_margin": config.max_margin,
        "costs": {k: vars(v) for k, v in config.costs.items()},
        "signal_dates": len(dates),
        "timing": "signal at close of s; held from the next session",
    }
    name = strategy_ids[0] if single else "all"
    report = BacktestReport(
        name,
        start,
        end,
        params,
        returns,
        book,
        metrics,
        _attribution(runs, book, 1.0 if single else _book_scale(len(runs))),
        folds,
        runs,
        dv01,
    )
    report.html = render_tearsheet(
        f"Backtest: {name} {start}..{end}",
        returns,
        metrics=metrics,
        attribution=report.attribution,
        folds=folds,
        params=params,
    )
    return report


def save_run(engine: Engine, report: BacktestReport) -> int:
    """Insert the run into analytics.backtest_runs; returns its run_id."""
    sim = report.simulation
    daily = pd.DataFrame(
        {
            "return": sim.returns,
            "dv01_per_mm": report.dv01 * 1e6,
            "costs": sim.costs,
            "turnover": sim.turnover,
            "leverage": sim.leverage,
        }
    )
    daily_json = {
        "dates": [d.date().isoformat() for d in daily.index],
        **{c: jsonable(daily[c].round(10).tolist()) for c in daily},
    }
    row = {
        "strategy_id": report.strategy_id,
        "start_date": report.start,
        "end_date": report.end,
        "params": json.dumps(jsonable(report.params)),
        "metrics": json.dumps(jsonable(report.metrics)),
        "attribution": json.dumps(
            jsonable(
                report.attribution.astype(object).where(report.attribution.notna()).to_dict("index")
            )
        ),
        "daily": json.dumps(daily_json),
        "tearsheet_html": report.html,
    }
    with engine.begin() as conn:
        run_id = conn.execute(
            text(
                "insert into analytics.backtest_runs (strategy_id, start_date, end_date, params, "
                "metrics, attribution, daily, tearsheet_html) values (:strategy_id, :start_date, "
                ":end_date, cast(:params as jsonb), cast(:metrics as jsonb), "
                "cast(:attribution as jsonb), cast(:daily as jsonb), :tearsheet_html) "
                "returning run_id"
            ),
            row,
        ).scalar_one()
    return int(run_id)
