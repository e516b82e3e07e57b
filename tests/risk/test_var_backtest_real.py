"""The VaR backtest over 2016-2023 on the real data in ../shared/data (skipped when absent):
exception counts and Kupiec / Christoffersen p-values of a fixed risk-balanced book."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from macro_models.backtest.market import load_returns
from macro_models.risk.var_backtest import rolling_var_backtest

pytestmark = [pytest.mark.slow, pytest.mark.realdata]
BOOK = ("DI1", "USDBRL", "ES", "ZN", "NTNB")  # real IND ends in 2021


@pytest.fixture(scope="module")
def returns(real_gold_engine):
    r = load_returns(real_gold_engine, date(2014, 1, 1), date(2023, 12, 28)).returns
    return r[list(BOOK)]


@pytest.mark.parametrize("method", ["historical", "parametric"])
@pytest.mark.parametrize("alpha", [0.95, 0.99])
def test_var_backtest_2016_2023_reports_exceptions_and_p_values(returns, method, alpha) -> None:
    assert returns.notna().all().all(), returns.isna().sum()
    sigma = returns.loc[:"2015"].std() * np.sqrt(252)
    w = 1e9 * 0.10 / np.sqrt(len(BOOK)) / sigma
    frame, s = rolling_var_backtest(returns, w.to_numpy(), window=500, alpha=alpha, method=method)
    print(
        f"\n{method} {alpha:.0%} {frame.index[0].date()}..{frame.index[-1].date()}: "
        f"{int(s['exceptions'])} exceptions / {int(s['n'])} (expected {s['expected']:.1f}), "
        f"Kupiec p {s['kupiec_p']:.3f}, Christoffersen p {s['christoffersen_p']:.3f}"
    )
    # 500 sessions of history first: the forecasts start in January 2016 and run to the end.
    assert frame.index[0].year == 2016 and frame.index[-1].date() == date(2023, 12, 28)
    assert 1950 <= s["n"] <= 2000
    assert s["exceptions"] == int(frame["hit"].sum())
    assert s["expected"] == pytest.approx(s["n"] * (1 - alpha))
    assert 0 <= s["kupiec_p"] <= 1 and 0 <= s["christoffersen_p"] <= 1
    # A sane model on this book: within a factor of two of the expected count.
    assert 0.5 * s["expected"] <= s["exceptions"] <= 2 * s["expected"]
