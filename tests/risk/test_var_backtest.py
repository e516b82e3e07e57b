"""VaR backtests against hand-computed likelihood ratios, and the rolling VaR's point in time."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from macro_models.risk.var import historical_var
from macro_models.risk.var_backtest import (
    christoffersen_cc,
    christoffersen_independence,
    kupiec_pof,
    rolling_var_backtest,
)


def test_kupiec_250_days_10_exceptions() -> None:
    # LR = -2 [240 ln .99 + 10 ln .01] + 2 [240 ln .96 + 10 ln .04] = 12.9555 (> 3.84: reject).
    formula = -2 * (240 * math.log(0.99) + 10 * math.log(0.01)) + 2 * (
        240 * math.log(0.96) + 10 * math.log(0.04)
    )
    lr, p = kupiec_pof(10, 250, 0.99)
    assert_allclose(lr, formula, rtol=1e-12)
    assert_allclose(lr, 12.9555, atol=1e-4)
    assert_allclose(p, 3.19e-4, rtol=1e-2)
    # Exactly the expected rate gives LR = 0; no exception is allowed (0 ln 0 = 0).
    assert_allclose(kupiec_pof(5, 500, 0.99), (0.0, 1.0), atol=1e-12)
    assert_allclose(kupiec_pof(0, 250, 0.99)[0], -2 * 250 * math.log(0.99), rtol=1e-12)


def test_christoffersen_on_hand_counted_transitions() -> None:
    hits = np.array([0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0], dtype=bool)
    # n00 = 5, n01 = 2, n10 = 2, n11 = 2: pi = 4/11, pi01 = 2/7, pi11 = 1/2.
    restricted = 4 * math.log(4 / 11) + 7 * math.log(7 / 11)
    unrestricted = 2 * math.log(2 / 7) + 5 * math.log(5 / 7) + 4 * math.log(0.5)
    lr, p = christoffersen_independence(hits)
    assert_allclose(lr, -2 * (restricted - unrestricted), rtol=1e-12)
    assert_allclose(lr, 0.499647, atol=1e-6)
    assert_allclose(p, stats.chi2.sf(lr, 1), rtol=1e-12)
    cc_lr, cc_p = christoffersen_cc(hits, 0.9)
    assert_allclose(cc_lr, kupiec_pof(4, 12, 0.9)[0] + lr, rtol=1e-12)
    assert_allclose(cc_p, stats.chi2.sf(cc_lr, 2), rtol=1e-12)
    # n00 = 4, n01 = 2, n10 = 2, n11 = 1: pi01 = pi11 = pi = 1/3, so LR = 0 exactly.
    even = np.array([0, 0, 1, 1, 0, 0, 0, 1, 0, 0], dtype=bool)
    assert_allclose(christoffersen_independence(even), (0.0, 1.0), atol=1e-12)
    # Hits never follow hits (pi11 = 0, pi01 = 1/2): dependence, rejected at 1 %.
    assert christoffersen_independence(np.tile([1, 0, 0], 10).astype(bool))[1] < 0.01


def _returns(t: int = 90, n: int = 3, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = 0.01 * rng.standard_t(4, (t, n))
    return pd.DataFrame(data, index=pd.bdate_range("2024-01-01", periods=t), columns=list("abc"))


def test_rolling_historical_var_uses_only_the_window_before() -> None:
    returns = _returns()
    w = np.array([1e6, -5e5, 2e6])
    frame, summary = rolling_var_backtest(returns, w, window=40, alpha=0.95)
    assert len(frame) == 50 and frame.index[0] == returns.index[40]
    day = 55
    expected = historical_var(returns.to_numpy()[day - 40 : day] @ w, 0.95)
    assert_allclose(frame["var"].iloc[day - 40], expected, rtol=1e-15)
    assert_allclose(frame["pnl"].iloc[day - 40], returns.to_numpy()[day] @ w, rtol=1e-12)
    assert summary["n"] == 50 and summary["exceptions"] == frame["hit"].sum()
    assert_allclose(summary["expected"], 2.5, rtol=1e-12)


@pytest.mark.parametrize("method", ["historical", "parametric", "monte_carlo"])
def test_rolling_var_is_point_in_time(method: str) -> None:
    returns = _returns()
    weights = np.tile([1e6, -5e5, 2e6], (len(returns), 1))
    kwargs = {"window": 40, "alpha": 0.99, "method": method, "step": 5, "n_scenarios": 300}
    before, _ = rolling_var_backtest(returns, weights, **kwargs)  # type: ignore[arg-type]
    cut = returns.index[60]
    changed = returns.copy()
    changed.loc[changed.index >= cut] *= 10.0  # day 60 onwards, including its own return
    after, _ = rolling_var_backtest(changed, weights, **kwargs)  # type: ignore[arg-type]
    known = before.index <= cut
    assert known.sum() == 5  # days 40, 45, 50, 55, 60
    assert_allclose(after["var"][known], before["var"][known], rtol=0)
    assert not np.allclose(after["var"][~known], before["var"][~known])


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="0 <= exceptions <= n, got exceptions=5, n=3"):
        kupiec_pof(5, 3, 0.99)
    with pytest.raises(ValueError, match="hits must be a 1-D boolean array"):
        christoffersen_independence(np.array([True]))
    returns = _returns(30)
    with pytest.raises(ValueError, match="method must be"):
        rolling_var_backtest(returns, np.ones(3), 10, method="garch")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="window < T"):
        rolling_var_backtest(returns, np.ones(3), window=30)
    with pytest.raises(ValueError, match=r"weights must have shape \(N,\)"):
        rolling_var_backtest(returns, np.ones(4), window=10)
