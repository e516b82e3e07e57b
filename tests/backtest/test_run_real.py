"""A backtest on the real data in ../shared/data (skipped when absent): 2016-2023, one strategy
per asset class that the real history can feed, point in time, with finite metrics."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from macro_models.backtest.run import run_backtest

pytestmark = [pytest.mark.slow, pytest.mark.realdata]


def test_fx_and_inflation_strategies_over_eight_real_years(real_gold_engine) -> None:
    ids = ["fx_carry_momentum", "inflation_carry_ntnb"]
    report = run_backtest(
        real_gold_engine, ids, date(2016, 1, 4), date(2023, 12, 28), rebalance_every=10
    )
    k = report.metrics
    assert k["start"] == "2016-01-04" and k["end"] == "2023-12-28"
    assert 1950 <= k["n_days"] <= 2000
    for key in ("ann_return", "ann_vol", "sharpe", "max_drawdown", "psr", "dsr", "turnover"):
        assert np.isfinite(k[key]), key
    # Sized at 10 % vol per unit exposure, two strategies at 1/√2: a few percent of vol, and
    # margin well inside its cap.
    assert 0.01 < k["ann_vol"] < 0.15
    assert 0 < k["mean_margin"] < k["max_margin"] <= 0.5
    # Both strategies traded through the whole window (PTAX, CDI, fed funds, NTN-B real curve).
    for sid in ids:
        run = report.strategies[sid]
        assert (run.exposures != 0).any(axis=1).mean() > 0.7, sid
    assert report.folds is not None and len(report.folds) >= 4  # 3y train, 1y test
