"""Strategy signals over history, each computed point-in-time on its own date.

The signal dated s is the strategy's answer with the loader's frame as known at the close of s
(``PointInTimeHistory.load(columns, s − lookback, s, s)``), exactly what the daily run would have
produced that evening. A strategy that cannot give a signal on a date (inputs unknown, too short
or stale) is flat from that date: no signal, no position.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from macro_models.pit.history import PointInTimeHistory
from macro_models.strategies.base import Strategy


def rebalance_dates(sessions: pd.DatetimeIndex, every: int) -> list[date]:
    """Every ``every``-th session, counted back from the last one (so the latest is included)."""
    if every < 1:
        raise ValueError(f"rebalance interval must be >= 1 session, got {every}")
    picked = sessions[::-1][::every][::-1]
    return [d.date() for d in picked]


def strategy_exposures(
    strategy: Strategy, history: PointInTimeHistory, dates: Sequence[date]
) -> tuple[pd.DataFrame, dict[date, str]]:
    """Exposures (dates × instruments) of ``strategy`` at each date, and why it gave none.

    Rows where the strategy gave no signal are all zero.
    """
    rows: dict[date, dict[str, float]] = {}
    skipped: dict[date, str] = {}
    for d in dates:
        try:
            frame = history.load(strategy.columns, d - timedelta(days=strategy.lookback_days), d, d)
            signal = strategy.signal(frame, d)
        except ValueError as exc:
            skipped[d] = str(exc).splitlines()[0]
            rows[d] = {}
            continue
        rows[d] = {e.instrument_id: e.exposure for e in signal.exposures}
    out = pd.DataFrame.from_dict(rows, orient="index").fillna(0.0)
    out.index = pd.DatetimeIndex(out.index, name="date")
    return out.sort_index(), skipped
