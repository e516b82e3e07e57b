"""The HTML tearsheet: four inline charts, the tables, escaping, nothing loaded from outside."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.backtest.metrics import summary
from macro_models.backtest.tearsheet import CHART_TITLES, monthly_returns, render_tearsheet


def _returns(n: int, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(rng.normal(4e-4, 0.01, n), index=pd.bdate_range("2015-01-01", periods=n))


@pytest.fixture(scope="module")
def ten_years() -> tuple[str, dict]:
    r = _returns(2520)
    bench = _returns(2520, seed=1).rename("CDI")
    metrics = summary(r)
    attribution = pd.DataFrame(
        {"return_contribution": [0.031, -0.004], "vol": [0.08, 0.05], "sharpe": [0.61, -0.12]},
        index=pd.Index(["fx_carry", "rates_slope"], name="strategy"),
    )
    folds = pd.DataFrame(
        {
            "train_start": [pd.Timestamp("2015-01-01")],
            "test_start": [pd.Timestamp("2017-11-24")],
            "chosen": ["lookback_60"],
            "oos_sharpe": [0.4321],
        }
    )
    html = render_tearsheet(
        "Macro <book> & co",
        r,
        benchmark=bench,
        metrics=metrics,
        attribution=attribution,
        folds=folds,
        params={"cost_bps": 2.5, "vol_target": "10% <annual>"},
    )
    return html, metrics


def test_four_charts_with_titles(ten_years: tuple[str, dict]) -> None:
    html, _ = ten_years
    assert html.count("<svg") == 4
    for title in CHART_TITLES.values():
        assert f"<h2>{title}</h2>" in html
    assert "2024" in html  # the heatmap's last year row label (2,520 days from 2015)


def test_metric_and_table_values(ten_years: tuple[str, dict]) -> None:
    html, metrics = ten_years
    assert f"<td>sharpe</td><td>{metrics['sharpe']:.3f}</td>" in html
    assert f"<td>ann_return</td><td>{metrics['ann_return']:.2%}</td>" in html
    assert f"<td>max_drawdown</td><td>{metrics['max_drawdown']:.2%}</td>" in html
    assert "<td>fx_carry</td><td>0.031</td><td>0.080</td><td>0.610</td>" in html
    assert "<td>rates_slope</td>" in html
    assert "<td>2015-01-01</td><td>2017-11-24</td><td>lookback_60</td><td>0.432</td>" in html
    assert "<td>cost_bps</td><td>2.500</td>" in html
    assert "benchmark: CDI" in html


def test_text_is_escaped(ten_years: tuple[str, dict]) -> None:
    html, _ = ten_years
    assert "<title>Macro &lt;book&gt; &amp; co</title>" in html
    assert "<book>" not in html
    assert "<td>10% &lt;annual&gt;</td>" in html


def test_self_contained(ten_years: tuple[str, dict]) -> None:
    html, _ = ten_years
    without_xmlns = re.sub(r'xmlns(:\w+)?="http[^"]*"', "", html)
    assert "http" not in without_xmlns
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert "<?xml" not in html and "DOCTYPE svg" not in html


def test_one_month_series_renders() -> None:
    html = render_tearsheet("short", _returns(21))
    assert html.count("<svg") == 4
    assert "needs 126 days of returns" in html  # the rolling chart explains why it is empty
    assert "<td>n_days</td><td>21</td>" in html  # metrics default to summary(returns)


def test_monthly_returns_compound_within_month() -> None:
    r = pd.Series(
        [0.10, -0.10, 0.05],
        index=pd.to_datetime(["2024-01-30", "2024-01-31", "2024-02-01"]),
    )
    table = monthly_returns(r)
    assert table.shape == (1, 12)
    assert_allclose(table.loc[2024, [1, 2]].to_numpy(), [1.1 * 0.9 - 1, 0.05], rtol=1e-12)
    assert table.loc[2024, 3:].isna().all()


def test_bad_returns_raise() -> None:
    with pytest.raises(ValueError, match="DatetimeIndex"):
        render_tearsheet("x", pd.Series([0.01, 0.02]))
    with pytest.raises(ValueError, match="at least 2"):
        render_tearsheet("x", _returns(1))
