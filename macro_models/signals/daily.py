"""The signal step of the daily cycle: aggregate the strategies' votes, monitor, persist."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from sqlalchemy import Engine, text

from macro_models.agents.report import AgentReport, AgentSignal
from macro_models.pit import as_of_cutoff
from macro_models.signals.aggregation import (
    BayesianAggregator,
    ConfidenceWeightedAggregator,
    RankAggregator,
)
from macro_models.signals.monitor import Alert, SignalMonitor
from macro_models.signals.votes import votes_from_signals
from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.runner import StrategiesRun

# Regime prior of the Bayesian aggregator: exposure per unit of the cross-asset agent's
# risk_regime view (+1 risk-on): equities long, USD/BRL short (BRL long) when risk is on.
REGIME_TILT = {"IND": 0.3, "ES": 0.3, "USDBRL": -0.3}


def regime_prior(reports: list[AgentReport]) -> dict[str, float]:
    for report in reports:
        if report.agent_id != "cross_asset":
            continue
        for s in report.signals:
            if s.signal_id == "risk_regime":
                scale = s.direction * s.confidence
                return {k: v * scale for k, v in REGIME_TILT.items()}
    return {}


def aggregate(run: StrategiesRun, reports: list[AgentReport]) -> dict[str, pd.DataFrame]:
    votes = votes_from_signals(run.signals, run.staleness_days)
    if votes.empty:
        return {}
    return {
        "confidence_weighted": ConfidenceWeightedAggregator().aggregate(votes),
        "rank": RankAggregator().aggregate(votes),
        "bayesian": BayesianAggregator(regime_prior=regime_prior(reports)).aggregate(votes),
    }


def save_strategy_signals(engine: Engine, run: StrategiesRun, as_of: date) -> None:
    with engine.begin() as conn:
        for s in run.signals:
            conn.execute(
                text(
                    """
                    insert into analytics.strategy_signals
                        (strategy_id, as_of_date, as_of_cutoff, signal)
                    values (:id, :d, :cutoff, cast(:signal as jsonb))
                    on conflict (strategy_id, as_of_date) do update
                        set signal = excluded.signal, as_of_cutoff = excluded.as_of_cutoff,
                            created_at = now()
                    """
                ),
                {
                    "id": s.strategy_id,
                    "d": as_of,
                    "cutoff": as_of_cutoff(as_of),
                    "signal": json.dumps(
                        {**s.to_json(), "staleness_days": run.staleness_days.get(s.strategy_id)},
                        default=str,
                    ),
                },
            )


def load_strategy_run(engine: Engine, as_of: date) -> StrategiesRun:
    """The strategy signals saved for ``as_of`` (what the Airflow signal task reads back)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("select signal from analytics.strategy_signals where as_of_date = :d"),
            {"d": as_of},
        ).scalars()
        docs = list(rows)
    signals = [
        StrategySignal(
            strategy_id=d["strategy_id"],
            as_of_date=date.fromisoformat(d["as_of_date"]),
            exposures=[TargetExposure(**e) for e in d["exposures"]],
            rationale=d["rationale"],
            diagnostics=d.get("diagnostics", {}),
        )
        for d in docs
    ]
    staleness = {d["strategy_id"]: float(d.get("staleness_days") or 0) for d in docs}
    return StrategiesRun(signals, staleness, {})


def load_reports(engine: Engine, as_of: date) -> list[AgentReport]:
    with engine.connect() as conn:
        docs = list(
            conn.execute(
                text("select report from analytics.agent_reports where as_of_date = :d"),
                {"d": as_of},
            ).scalars()
        )
    return [
        AgentReport(
            agent_id=d["agent_id"],
            as_of_date=date.fromisoformat(d["as_of_date"]),
            headline=d["headline"],
            signals=[AgentSignal(**s) for s in d["signals"]],
            key_drivers=d["key_drivers"],
            risks=d["risks"],
            diagnostics=d.get("diagnostics", {}),
        )
        for d in docs
    ]


def previous_book(engine: Engine, as_of: date) -> pd.DataFrame | None:
    """The confidence-weighted book of the latest earlier date, for the monitor."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                """
                select instrument_id, exposure from analytics.signals
                where method = 'confidence_weighted' and as_of_date = (
                    select max(as_of_date) from analytics.signals
                    where method = 'confidence_weighted' and as_of_date < :d
                )
                """
            ),
            {"d": as_of},
        ).all()
    if not rows:
        return None
    return pd.DataFrame(rows, columns=["instrument_id", "exposure"]).set_index("instrument_id")


def save_book(
    engine: Engine, books: dict[str, pd.DataFrame], alerts: list[Alert], as_of: date
) -> None:
    with engine.begin() as conn:
        conn.execute(text("delete from analytics.signals where as_of_date = :d"), {"d": as_of})
        conn.execute(
            text("delete from analytics.signal_alerts where as_of_date = :d"), {"d": as_of}
        )
        for method, book in books.items():
            for instrument, r in book.iterrows():
                conn.execute(
                    text(
                        """
                        insert into analytics.signals (as_of_date, method, instrument_id,
                            exposure, n_votes, agreement, crowded, weight)
                        values (:d, :m, :i, :x, :n, :a, :c, :w)
                        """
                    ),
                    {
                        "d": as_of,
                        "m": method,
                        "i": instrument,
                        "x": float(r["exposure"]),
                        "n": int(r["n_votes"]),
                        "a": float(r["agreement"]),
                        "c": bool(r["crowded"]),
                        "w": float(r["weight"]),
                    },
                )
        for a in alerts:
            conn.execute(
                text(
                    """
                    insert into analytics.signal_alerts (as_of_date, kind, instrument_id,
                        previous_exposure, current_exposure, detail)
                    values (:d, :k, :i, :p, :c, :detail)
                    """
                ),
                {
                    "d": as_of,
                    "k": a.kind,
                    "i": a.instrument_id,
                    "p": a.previous,
                    "c": a.current,
                    "detail": a.detail,
                },
            )


def run_signals(
    engine: Engine, run: StrategiesRun, reports: list[AgentReport], as_of: date
) -> tuple[dict[str, pd.DataFrame], list[Alert]]:
    """Aggregate, monitor against the previous book, and persist everything for ``as_of``."""
    save_strategy_signals(engine, run, as_of)
    books = aggregate(run, reports)
    alerts: list[Alert] = []
    if books:
        votes = votes_from_signals(run.signals, run.staleness_days)
        alerts = SignalMonitor().check(
            previous_book(engine, as_of), books["confidence_weighted"], votes
        )
    save_book(engine, books, alerts, as_of)
    return books, alerts
