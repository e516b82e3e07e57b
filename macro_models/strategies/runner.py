"""Run every registered strategy for a date, point-in-time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine

from macro_models.pit import PointInTimeLoader
from macro_models.strategies.base import StrategySignal


@dataclass(frozen=True)
class StrategiesRun:
    signals: list[StrategySignal]
    staleness_days: dict[str, float]  # strategy_id -> age of its oldest newest input
    skipped: dict[str, str]  # strategy_id -> why it gave no signal


def run_strategies(engine: Engine, as_of: date) -> StrategiesRun:
    from macro_models.strategies.registry import STRATEGIES

    loader = PointInTimeLoader(engine)
    signals, staleness, skipped = [], {}, {}
    for strategy_id, cls in STRATEGIES.items():
        strategy = cls()
        try:
            frame = loader.load(
                strategy.columns, as_of - timedelta(days=strategy.lookback_days), as_of, as_of
            )
            signals.append(strategy.signal(frame, as_of))
        except ValueError as exc:  # inputs not known at as_of, or too short / stale
            skipped[strategy_id] = str(exc).splitlines()[0]
            continue
        last = frame.attrs.get("last_date", {})
        staleness[strategy_id] = float(max((as_of - d).days for d in last.values())) if last else 0
    return StrategiesRun(signals, staleness, skipped)
