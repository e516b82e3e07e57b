"""Metrics on hand-built series with known answers, and the DSR paper example."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.backtest import metrics as m


def _series(values: list[float], start: str = "2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)))


def test_constant_returns() -> None:
    r = np.full(252, 0.001)
    assert_allclose(m.annualised_return(r), 1.001**252 - 1, rtol=1e-12)
    assert_allclose(m.annualised_volatility(r), 0.0, atol=1e-12)
    assert math.isnan(m.sharpe_ratio(r))  # zero volatility
    assert math.isnan(m.sortino_ratio(r))  # no downside
    assert math.isnan(m.calmar_ratio(r))  # no drawdown
    assert m.hit_rate(r) == 1.0
    assert m.max_drawdown(_series(list(r))) == m.Drawdown(0.0, None, None, None, 0)


def test_annualised_return_half_year() -> None:
    # 126 days at 0.2% compound to 1.002**126 over half a year: squared over the full year.
    assert_allclose(m.annualised_return(np.full(126, 0.002)), 1.002**252 - 1, rtol=1e-12)
    assert_allclose(m.annualised_return([0.1, -0.1], periods=2), 0.99 - 1, rtol=1e-12)


def test_volatility_and_sharpe_by_hand() -> None:
    r = [0.01, 0.02, -0.005, 0.0]
    # mean 0.00625; squared deviations sum to 3.6875e-4, so the ddof=1 variance is that / 3.
    sd = math.sqrt(3.6875e-4 / 3)
    assert_allclose(m.annualised_volatility(r), sd * math.sqrt(252), rtol=1e-12)
    assert_allclose(m.sharpe_ratio(r), 0.00625 / sd * math.sqrt(252), rtol=1e-12)
    assert_allclose(m.sharpe_ratio(r, periods=1), 0.00625 / sd, rtol=1e-12)


def test_sortino_by_hand() -> None:
    r = [0.03, -0.01, 0.02, -0.02]
    # Downside deviation over all 4 days: sqrt((0.01**2 + 0.02**2) / 4) = sqrt(1.25e-4).
    assert_allclose(m.sortino_ratio(r), 0.005 / math.sqrt(1.25e-4) * math.sqrt(252), rtol=1e-12)


def test_max_drawdown_single_recovered() -> None:
    # NAV 1.10 (Mon 1 Jan) -> 0.88 -> 0.66 (Wed 3 Jan) -> 0.99 -> 1.188 (Fri 5 Jan) -> 1.1286.
    r = _series([0.10, -0.20, -0.25, 0.50, 0.20, -0.05])
    dd = m.max_drawdown(r)
    assert_allclose(dd.depth, 0.66 / 1.10 - 1, rtol=1e-12)  # -40%
    assert dd.peak == pd.Timestamp("2024-01-01")
    assert dd.trough == pd.Timestamp("2024-01-03")
    assert dd.recovery == pd.Timestamp("2024-01-05")
    assert dd.duration == 4
    assert_allclose(m.max_drawdown_depth(r.to_numpy()), -0.4, rtol=1e-12)
    assert_allclose(m.calmar_ratio(r), m.annualised_return(r) / 0.4, rtol=1e-12)


def test_max_drawdown_from_first_day_unrecovered() -> None:
    # Starts Monday 8 Jan with a loss: the peak is the starting NAV, the close of Friday 5 Jan.
    r = _series([-0.10, -0.10, 0.05], start="2024-01-08")
    dd = m.max_drawdown(r)
    assert_allclose(dd.depth, 0.81 - 1, rtol=1e-12)
    assert dd.peak == pd.Timestamp("2024-01-05")
    assert dd.trough == pd.Timestamp("2024-01-09")
    assert dd.recovery is None
    assert dd.duration == 3  # Fri 5 -> Wed 10 Jan, to the end
    underwater = m.drawdown_series(r)
    assert_allclose(underwater.to_numpy(), [-0.1, -0.19, 0.81 * 1.05 - 1], rtol=1e-12)


def test_recovery_despite_rounding() -> None:
    # 0.97 * (1 + 0.03 / 0.97) is 0.9999999999999999 in floating point: still a recovery.
    r = [-0.03, 0.03 / 0.97, 0.0]
    assert np.prod(1 + np.array(r[:2])) < 1
    dd = m.max_drawdown(_series(r))
    assert dd.recovery == pd.Timestamp("2024-01-02")
    assert dd.duration == 2  # Fri 29 Dec 2023 (starting NAV) -> Mon 1 -> Tue 2 Jan


def test_hit_rate_ignores_flat_days() -> None:
    assert_allclose(m.hit_rate([0.01, 0.0, -0.01, 0.02, 0.0]), 2 / 3, rtol=1e-12)
    assert math.isnan(m.hit_rate([0.0, 0.0]))


def test_turnover_one_way() -> None:
    w = pd.DataFrame(
        {"a": [0.5, 0.5, 0.3, 0.3], "b": [0.5, 0.5, 0.7, np.nan]},
        index=pd.bdate_range("2024-01-01", periods=4),
    )
    # Daily one-way trades: 0, (0.2 + 0.2) / 2 = 0.2, then b 0.7 -> 0 (NaN = not held) = 0.35.
    assert_allclose(m.turnover(w), (0.0 + 0.2 + 0.35) / 3 * 252, rtol=1e-12)


def test_skewness_and_kurtosis_closed_form() -> None:
    # Bernoulli(1/4): skew (1 - 2p) / sqrt(p q) = 2 / sqrt(3); kurtosis 7 / 3 (non-excess).
    r = [0.0, 0.0, 0.0, 0.01]
    assert_allclose(m.skewness(r), 2 / math.sqrt(3), rtol=1e-10)
    assert_allclose(m.kurtosis(r), 7 / 3, rtol=1e-10)
    assert_allclose(m.kurtosis([-0.01, 0.0, 0.0, 0.01]), 2.0, rtol=1e-10)


def test_psr_against_direct_formula() -> None:
    sr, n, skew, kurt, bench = 0.1, 500, -1.0, 5.0, 0.05
    z = (sr - bench) * math.sqrt(n - 1) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr**2)
    expected = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    assert_allclose(m.probabilistic_sharpe_ratio(sr, n, skew, kurt, bench), expected, rtol=1e-12)
    assert_allclose(m.probabilistic_sharpe_ratio(0.05, 100, 0.0, 3.0, 0.05), 0.5, rtol=1e-12)


def test_deflated_sharpe_paper_example() -> None:
    """Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", numerical example.

    Annualised SR 2.5 over T = 1250 daily returns (5 years of 250 days, the paper's year),
    skewness -3, kurtosis 10, N = 100 trials whose annualised SRs have variance 0.5. The paper
    reports E[max SR] = 0.1132 per day and DSR = 0.9004; from the formulas we get 0.113172 and
    0.900397, so both are checked to the paper's 4 decimals (atol 5e-5). (With 252 days a year
    the DSR would be 0.8997: the example depends on the paper's 250.)
    """
    days = 250
    emax_annual = m.expected_max_sharpe(0.5, 100)
    assert_allclose(emax_annual, 1.789406, atol=5e-6)
    sr0 = m.expected_max_sharpe(0.5 / days, 100)
    assert_allclose(sr0, 0.1132, atol=5e-5)
    assert_allclose(sr0, emax_annual / math.sqrt(days), rtol=1e-12)
    sr = 2.5 / math.sqrt(days)
    dsr = m.deflated_sharpe_ratio(sr, 1250, -3.0, 10.0, (0.5 / days, 100))
    assert_allclose(dsr, 0.9004, atol=5e-5)
    assert_allclose(dsr, m.probabilistic_sharpe_ratio(sr, 1250, -3.0, 10.0, sr0), rtol=1e-12)


def test_deflated_sharpe_from_trial_list() -> None:
    trials = np.array([0.01, 0.03, -0.02, 0.05, 0.0])
    by_list = m.deflated_sharpe_ratio(0.06, 750, -0.5, 4.0, trials)
    by_var = m.deflated_sharpe_ratio(0.06, 750, -0.5, 4.0, (float(trials.var(ddof=1)), 5))
    assert_allclose(by_list, by_var, rtol=1e-12)
    assert by_list < m.probabilistic_sharpe_ratio(0.06, 750, -0.5, 4.0)


def test_summary() -> None:
    rng = np.random.default_rng(0)
    r = pd.Series(rng.normal(0.0005, 0.01, 600), index=pd.bdate_range("2020-01-01", periods=600))
    w = pd.DataFrame({"a": np.tile([0.4, 0.6], 300)}, index=r.index)
    out = m.summary(r, weights=w, trial_sharpes=[0.2, 0.5, 0.8, 1.0])
    assert out["n_days"] == 600
    assert out["start"] == "2020-01-01"
    assert out["end"] == r.index[-1].strftime("%Y-%m-%d")
    assert_allclose(out["sharpe"], m.sharpe_ratio(r), rtol=1e-12)
    assert_allclose(out["max_drawdown"], m.max_drawdown(r).depth, rtol=1e-12)
    assert_allclose(out["turnover"], 0.1 * 252, rtol=1e-12)
    sr_day = m.sharpe_ratio(r, periods=1)
    psr = m.probabilistic_sharpe_ratio(sr_day, 600, m.skewness(r), m.kurtosis(r))
    assert_allclose(out["psr"], psr, rtol=1e-10)
    assert isinstance(out["dsr"], float) and out["dsr"] < out["psr"]


@pytest.mark.parametrize(
    ("func", "args", "match"),
    [
        pytest.param(m.sharpe_ratio, ([0.01, np.nan],), "NaN", id="nan"),
        pytest.param(m.sharpe_ratio, ([0.01],), "at least 2", id="too-short"),
        pytest.param(m.annualised_return, ([[0.01]],), "one-dimensional", id="2d"),
        pytest.param(m.annualised_return, ([0.01, -1.0],), "-100%", id="total-loss"),
        pytest.param(m.annualised_return, ([0.01], 0), "periods must be positive", id="periods"),
        pytest.param(m.max_drawdown, ([0.01, 0.02],), "DatetimeIndex", id="no-dates"),
        pytest.param(m.turnover, (pd.DataFrame({"a": [1.0]}),), "at least 2 rows", id="weights"),
        pytest.param(m.probabilistic_sharpe_ratio, (0.1, 1, 0.0, 3.0), "n must", id="n"),
        pytest.param(m.probabilistic_sharpe_ratio, (0.1, 50, 0.0, 0.0), "kurt", id="excess-kurt"),
        pytest.param(m.expected_max_sharpe, (0.5, 1), "n_trials must", id="one-trial"),
        pytest.param(m.expected_max_sharpe, (-0.5, 10), "var_of_trial_srs", id="neg-var"),
        pytest.param(m.deflated_sharpe_ratio, (0.1, 50, 0.0, 3.0, [0.1]), "trials", id="trials"),
    ],
)
def test_bad_inputs_raise(func, args, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=match):
        func(*args)
