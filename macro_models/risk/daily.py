"""The risk step of the daily cycle: the saved target book of a date → risk report, persisted.

Everything is point in time for ``run_date``: returns come from ``backtest.market.load_returns``
with ``as_of = run_date``, so a session after the date is never seen.

- VaR / ES at 95 and 99 %, one day, BRL: historical (the last :data:`VAR_YEARS` years of
  sessions), parametric (Gaussian, zero mean, Ledoit–Wolf shrinkage of the correlation rescaled by
  the sample vols: ``covariance.scaled_ledoit_wolf``) and Monte Carlo (t copula
  with t marginals fitted on the same window, 10 000 scenarios, seed = the date as YYYYMMDD).
  The historical figures are the headline (columns of analytics.risk_reports, limits).
- Components of VaR 99 by position (parametric Euler and historical kernel), by asset class
  (catalog) and by strategy: each position's component is split among the strategies pro rata
  to their signed confidence-weighted contributions to the aggregated exposure
  (``report.allocate_to_strategies``).
- Stress: the five historical replays compound the instruments' returns over each window as
  known at ``run_date``; an instrument with no return in the window takes the hand-set shock of
  ``risk.stress`` (the report says which, per instrument), as do the hypothetical scenarios.
- Reverse stress: the most likely (Mahalanobis) scenario losing 10 % of NAV, 1 and 10 days.
- Limits (``risk.limits.standard_limits``) and the circuit-breaker factor. The drawdown is that
  of today's book replayed over the VaR window (simulated P&L of today's weights), not the
  fund's realised drawdown, which this platform does not track yet.
- A VaR backtest of today's book over the last :data:`BACKTEST_SESSIONS` sessions (rolling
  historical VaR 99 on the previous 250), with Kupiec and Christoffersen p-values.

Instruments of the book with too little data in the window are dropped from every measure and
listed in ``report["dropped"]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from macro_models.db.jsonb import jsonable
from macro_models.risk import report as rr
from macro_models.risk.covariance import scaled_ledoit_wolf
from macro_models.risk.limits import check_limits, circuit_breaker, standard_limits
from macro_models.risk.reverse_stress import mahalanobis_reverse_stress
from macro_models.risk.stress import HISTORICAL, HYPOTHETICAL, replay, stress_pnl
from macro_models.risk.var_backtest import rolling_var_backtest

VAR_YEARS = 2
BACKTEST_SESSIONS = 500
BACKTEST_WINDOW = 250
MIN_OBSERVATIONS = 120
N_SCENARIOS = 10_000
REVERSE_LOSS = 0.10  # of NAV


@dataclass(frozen=True)
class RiskRun:
    """One day's risk report; headline figures are historical, BRL."""

    run_date: date
    nav_brl: float
    var_95_brl: float
    var_99_brl: float
    es_99_brl: float
    breaches: int
    warnings: int
    report: dict[str, Any]


def load_targets(engine: Engine, run_date: date) -> pd.DataFrame:
    """Saved targets of the date, indexed by instrument_id; ValueError if none."""
    with engine.connect() as conn:
        frame = pd.read_sql(
            text(
                "select instrument_id, method, nav_brl, weight, notional_brl, dv01_brl, "
                "fx_delta_brl "
                "from analytics.portfolio_targets where as_of_date = :d order by instrument_id"
            ),
            conn,
            params={"d": run_date},
        )
    if frame.empty:
        raise ValueError(f"no portfolio targets for {run_date}: run the portfolio step first")
    return frame.set_index("instrument_id")


def nav_of(targets: pd.DataFrame) -> float:
    """The NAV the targets were built for (one per date)."""
    return float(targets["nav_brl"].iloc[0])


def strategy_contributions(engine: Engine, run_date: date) -> pd.DataFrame:
    """Strategy × instrument signed contributions ``w_s x_si / Σ_s w_s`` of the date."""
    from macro_models.signals.aggregation import ConfidenceWeightedAggregator
    from macro_models.signals.daily import load_strategy_run
    from macro_models.signals.votes import votes_from_signals

    run = load_strategy_run(engine, run_date)
    votes = votes_from_signals(run.signals, run.staleness_days)
    if votes.empty:
        return pd.DataFrame()
    w = ConfidenceWeightedAggregator()._weights(votes)
    v = votes.assign(wx=w * votes["exposure"], w=w)
    total = v.groupby("instrument_id")["w"].transform("sum")
    v = v.assign(c=np.where(total > 0, v["wx"] / total.where(total > 0, 1.0), 0.0))
    return v.pivot_table(index="strategy_id", columns="instrument_id", values="c", aggfunc="sum")


def _returns(engine: Engine, start: date, end: date, as_of: date) -> pd.DataFrame:
    from macro_models.backtest.market import load_returns

    return load_returns(engine, start, end, as_of=as_of).returns


def _stress(engine: Engine, run_date: date, w: pd.Series) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, scenario in HISTORICAL.items():
        assert scenario.window is not None
        start, end = scenario.window
        # A window not yet over at run_date has no replay: its hand-set shocks stand in.
        window = (
            _returns(engine, start, end, run_date)
            if end <= run_date
            else pd.DataFrame(columns=w.index, dtype=float)
        )
        replayed = replay(window.reindex(columns=w.index), scenario)
        out[name] = _scenario_row(w, replayed.shocks, replayed.source, scenario.description)
    for name, scenario in HYPOTHETICAL.items():
        shocks = dict(scenario.shocks)
        source = {k: "hypothetical" for k in shocks}
        out[name] = _scenario_row(w, shocks, source, scenario.description)
    return out


def _scenario_row(
    w: pd.Series, shocks: dict[str, float], source: dict[str, str], description: str
) -> dict[str, Any]:
    filled = {k: shocks.get(k, 0.0) for k in w.index}
    filled = {k: 0.0 if not np.isfinite(v) else v for k, v in filled.items()}
    pnl = stress_pnl(w, filled)
    return {
        "pnl_brl": float(pnl["total"]),
        "by_position": pnl.drop("total").to_dict(),
        "shocks": {k: filled[k] for k in w.index},
        "source": {k: source.get(k, "missing") for k in w.index},
        "description": description,
    }


def _backtest(w: pd.Series, history: pd.DataFrame) -> dict[str, Any]:
    """Rolling historical VaR 99 of today's book over the last BACKTEST_SESSIONS sessions.

    Only sessions where every position has a return count; with fewer than
    ``BACKTEST_SESSIONS + BACKTEST_WINDOW`` of them the estimation window shrinks to half the
    sessions (at least 60), and the report says which window was used.
    """
    h = history[w.index].dropna(how="any").iloc[-(BACKTEST_SESSIONS + BACKTEST_WINDOW) :]
    window = min(BACKTEST_WINDOW, max(60, len(h) // 2))
    if len(h) <= window + 20:
        return {"n": 0, "note": f"only {len(h)} complete sessions: no backtest"}
    frame, summary = rolling_var_backtest(h, w, window=window, alpha=0.99)
    return {
        **summary,
        "alpha": 0.99,
        "method": "historical",
        "window": window,
        "first": frame.index.min(),
        "last": frame.index.max(),
    }


def _limits(values: dict[str, float], nav: float) -> tuple[list[dict[str, Any]], float, int, int]:
    checks = check_limits(values, standard_limits(nav))
    rows = [c.__dict__ for c in checks]
    breaches = sum(c.status == "breach" for c in checks)
    warnings = sum(c.status == "warning" for c in checks)
    return rows, circuit_breaker(checks), breaches, warnings


def _reverse(w: np.ndarray, cov: np.ndarray, nav: float, index: pd.Index) -> dict[str, Any]:
    # The most likely scenario has the same shape at any horizon; only its distance changes.
    one = mahalanobis_reverse_stress(w, cov, REVERSE_LOSS * nav)
    ten = mahalanobis_reverse_stress(w, cov * 10, REVERSE_LOSS * nav)
    return {
        "loss_brl": REVERSE_LOSS * nav,
        "scenario_1d": dict(zip(index, one.scenario, strict=True)),
        "distance_sd_1d": one.distance,
        "probability_1d": one.probability,
        "distance_sd_10d": ten.distance,
        "probability_10d": ten.probability,
    }


def _groups(index: pd.Index) -> pd.Series:
    from macro_models.catalog.instruments import load_instruments

    catalog = load_instruments()
    return pd.Series(
        [catalog[i].asset_class if i in catalog else "other" for i in index], index=index
    )


def risk_measures(w: pd.Series, window: pd.DataFrame, nav: float, seed: int) -> dict[str, Any]:
    """VaR/ES table, components by position and asset class, drawdown, reverse stress.

    ``w`` (BRL notional, N) and ``window`` (sessions × the same N instruments, complete rows).
    """
    r = window[w.index].to_numpy(dtype=float)
    cov, shrinkage = scaled_ledoit_wolf(r)
    x = w.to_numpy(dtype=float)
    table = rr.var_es_table(x, r, cov, seed, N_SCENARIOS)
    components = rr.component_var(w, r, cov, 0.99)
    return {
        "var_es": table,
        "components": components,
        "by_asset_class": rr.by_group(components, _groups(w.index)),
        "drawdown": rr.drawdown(r @ x, nav),
        "reverse_stress": _reverse(x, cov, nav, w.index),
        "shrinkage": shrinkage,
        "vol_annual": float(np.sqrt(x @ cov @ x * 252) / nav),
    }


def _book(targets: pd.DataFrame, history: pd.DataFrame, start: date) -> tuple[pd.Series, list]:
    w = targets["notional_brl"].astype(float)
    w = w[w.abs() > 0]
    recent = history.loc[history.index >= pd.Timestamp(start)]
    counts = recent.reindex(columns=w.index).notna().sum()
    keep = counts.index[counts >= MIN_OBSERVATIONS]
    return w[keep], sorted(set(w.index) - set(keep))


def run_risk(engine: Engine, run_date: date) -> RiskRun:
    """Risk report of the targets saved for ``run_date`` (not saved; see save_risk_report).

    Raises
    ------
    ValueError
        If the date has no targets, or no position has enough return history.
    """
    targets = load_targets(engine, run_date)
    nav = nav_of(targets)
    var_start = run_date - timedelta(days=int(365.25 * VAR_YEARS))
    # Enough sessions for the VaR window and for the backtest's 500 days after a 250-day window.
    history = _returns(engine, run_date - timedelta(days=int(365.25 * 3.2)), run_date, run_date)
    w, dropped = _book(targets, history, var_start)
    if w.empty:
        raise ValueError(f"no position of {run_date} has {MIN_OBSERVATIONS} returns to value")
    window = history.loc[history.index >= pd.Timestamp(var_start), w.index].dropna(how="any")
    measures = risk_measures(w, window, nav, int(run_date.strftime("%Y%m%d")))
    comp = measures["components"]
    by_strategy = rr.allocate_to_strategies(
        comp["parametric"], strategy_contributions(engine, run_date)
    )
    hist = measures["var_es"]["historical"]
    concentration = float(comp["parametric"].max() / comp["parametric"].sum())
    values = {
        "var_99": hist["0.99"]["var"] / nav,
        "drawdown": measures["drawdown"]["current"],
        "concentration": concentration,
        "dv01": abs(float(targets["dv01_brl"].sum())),
    }
    limits, factor, breaches, warnings = _limits(values, nav)
    stress = _stress(engine, run_date, w)
    report = {
        "as_of_date": run_date,
        "nav_brl": nav,
        "method": str(targets["method"].iloc[0]),
        "positions": w.to_dict(),
        "dropped": dropped,
        "window": {"start": window.index.min(), "end": window.index.max(), "n": len(window)},
        **measures,
        "by_strategy": by_strategy,
        "limits": limits,
        "circuit_breaker": factor,
        "stress": stress,
        "worst_stress": min(stress, key=lambda k: stress[k]["pnl_brl"]),
        "var_backtest": _backtest(w, history),
    }
    return RiskRun(
        run_date,
        nav,
        hist["0.95"]["var"],
        hist["0.99"]["var"],
        hist["0.99"]["es"],
        breaches,
        warnings,
        jsonable(report),
    )


def save_risk_report(engine: Engine, run: RiskRun) -> None:
    """Upsert the date's row of analytics.risk_reports, in one transaction."""
    with engine.begin() as conn:
        conn.execute(
            text(
                """
                insert into analytics.risk_reports (as_of_date, nav_brl, var_95_brl,
                    var_99_brl, es_99_brl, breaches, warnings, report)
                values (:d, :nav, :v95, :v99, :es99, :b, :w, cast(:report as jsonb))
                on conflict (as_of_date) do update set nav_brl = excluded.nav_brl,
                    var_95_brl = excluded.var_95_brl, var_99_brl = excluded.var_99_brl,
                    es_99_brl = excluded.es_99_brl, breaches = excluded.breaches,
                    warnings = excluded.warnings, report = excluded.report, created_at = now()
                """
            ),
            {
                "d": run.run_date,
                "nav": run.nav_brl,
                "v95": run.var_95_brl,
                "v99": run.var_99_brl,
                "es99": run.es_99_brl,
                "b": run.breaches,
                "w": run.warnings,
                "report": json.dumps(jsonable(run.report), allow_nan=False),
            },
        )


def describe(run: RiskRun) -> str:
    """One line: VaR 99 and ES 99 (historical), limits, worst stress, dropped instruments."""
    nav = run.nav_brl
    worst = run.report["worst_stress"]
    worst_pnl = run.report["stress"][worst]["pnl_brl"]
    line = (
        f"VaR99 R$ {run.var_99_brl / 1e6:.1f}m ({run.var_99_brl / nav:.2%} NAV) hist, "
        f"ES99 R$ {run.es_99_brl / 1e6:.1f}m, {_n(run.breaches, 'breach')}, "
        f"{_n(run.warnings, 'warning')}, "
        f"breaker x{run.report['circuit_breaker']:.2f}, worst stress {worst} "
        f"R$ {worst_pnl / 1e6:.1f}m"
    )
    if run.report["dropped"]:
        line += f"; no return history: {', '.join(run.report['dropped'])}"
    return line


def _n(k: int, noun: str) -> str:
    return f"{k} {noun}" + ("" if k == 1 else "es" if noun.endswith("h") else "s")
