"""Strategy signals as a table of votes: one row per (strategy, instrument)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal

VOTE_COLUMNS = [
    "strategy_id",
    "instrument_id",
    "exposure",
    "zscore",
    "confidence",
    "staleness_days",
]


def votes_from_signals(
    signals: Iterable[StrategySignal],
    staleness_days: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per exposure. ``confidence`` is ``diagnostics['confidence']`` when the strategy
    gives one, else 1 - exp(-|z|) (a z of 1 gives 0.63, of 2 gives 0.86); ``staleness_days``
    is the age of the strategy's freshest-required input (0 when unknown)."""
    staleness_days = staleness_days or {}
    rows = []
    for s in signals:
        for e in s.exposures:
            given = s.diagnostics.get("confidence")
            confidence = float(given) if given is not None else 1 - np.exp(-abs(e.zscore))
            rows.append(
                (
                    s.strategy_id,
                    e.instrument_id,
                    e.exposure,
                    e.zscore,
                    min(max(confidence, 0.0), 1.0),
                    float(staleness_days.get(s.strategy_id, 0.0)),
                )
            )
    return pd.DataFrame(rows, columns=VOTE_COLUMNS)
