"""Black–Litterman against He & Litterman (1999), Tables 1, 2 and 4.

The published tables round returns and weights to 0.1 %. Equilibrium and posterior returns
are checked to half that unit (5e-4). Weights are checked to one unit (1e-3): He & Litterman
print France at -4.0 % where the master formula on their printed inputs gives -3.95 %.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.portfolio.black_litterman import (
    BlackLitterman,
    implied_returns,
    view_uncertainty,
    views_from_signals,
)

COUNTRIES = ["Australia", "Canada", "France", "Germany", "Japan", "UK", "USA"]
CORR = np.array(
    [
        [1.000, 0.488, 0.478, 0.515, 0.439, 0.512, 0.491],
        [0.488, 1.000, 0.664, 0.655, 0.310, 0.608, 0.779],
        [0.478, 0.664, 1.000, 0.861, 0.355, 0.783, 0.668],
        [0.515, 0.655, 0.861, 1.000, 0.354, 0.777, 0.653],
        [0.439, 0.310, 0.355, 0.354, 1.000, 0.405, 0.306],
        [0.512, 0.608, 0.783, 0.777, 0.405, 1.000, 0.652],
        [0.491, 0.779, 0.668, 0.653, 0.306, 0.652, 1.000],
    ]
)
VOLS = np.array([0.160, 0.203, 0.248, 0.271, 0.210, 0.200, 0.187])
W_MKT = pd.Series([0.016, 0.022, 0.052, 0.055, 0.116, 0.124, 0.615], index=COUNTRIES)
COV = pd.DataFrame(CORR * np.outer(VOLS, VOLS), index=COUNTRIES, columns=COUNTRIES)
TAU, DELTA = 0.05, 2.5
# View 1: Germany outperforms a market-cap mix of France (29.5 %) and UK (70.5 %) by 5 %.
P = pd.DataFrame([[0, 0, -0.295, 1, 0, -0.705, 0]], index=["ger_vs_eu"], columns=COUNTRIES)
Q = pd.Series([0.05], index=["ger_vs_eu"])

PUBLISHED_PI = [3.9, 6.9, 8.4, 9.0, 4.3, 6.8, 7.6]  # Table 2, %
PUBLISHED_MU = [4.3, 7.6, 9.3, 11.0, 4.5, 7.0, 8.1]  # Table 4, %
PUBLISHED_W = [1.5, 2.1, -4.0, 35.4, 11.0, -9.5, 58.6]  # Table 4, %
PUBLISHED_TILT = [0.0, 0.0, -8.9, 30.2, 0.0, -21.3, 0.0]  # Table 4, w* − w_eq/(1+τ), %


def _fit() -> BlackLitterman:
    return BlackLitterman(tau=TAU, risk_aversion=DELTA).fit(COV, P, Q, market_weights=W_MKT)


def test_equilibrium_returns_table_2():
    pi = implied_returns(COV.to_numpy(), W_MKT.to_numpy(), DELTA)
    assert_allclose(pi, np.array(PUBLISHED_PI) / 100, atol=5e-4)
    assert_allclose(_fit().prior_, pi, rtol=1e-14)


def test_posterior_returns_table_4():
    assert_allclose(_fit().posterior_mean_, np.array(PUBLISHED_MU) / 100, atol=5e-4)


def test_optimal_weights_table_4():
    bl = _fit()
    assert_allclose(bl.weights_, np.array(PUBLISHED_W) / 100, atol=1e-3)
    tilt = bl.weights_ - W_MKT / (1 + TAU)
    assert_allclose(tilt, np.array(PUBLISHED_TILT) / 100, atol=5e-4)
    # The tilt lies along the view: w* = w_eq/(1+τ) + P'λ, with λ = 0.302 published.
    lam = tilt["Germany"]
    assert_allclose(tilt, P.iloc[0] * lam, atol=1e-12)
    assert_allclose(lam, 0.302, atol=5e-4)


def test_omega_default_is_tau_p_sigma_p():
    omega = _fit().omega_.to_numpy()
    p = P.to_numpy()
    assert_allclose(omega, TAU * p @ COV.to_numpy() @ p.T, rtol=1e-14)


def test_no_views_keeps_prior_and_market_weights():
    empty = BlackLitterman(TAU, DELTA).fit(COV, P.iloc[:0], Q.iloc[:0], market_weights=W_MKT)
    assert_allclose(empty.posterior_mean_, empty.prior_, rtol=1e-14)
    assert_allclose(empty.weights_, W_MKT / (1 + TAU), rtol=1e-12)


def test_idzorek_confidence_extremes():
    p = P.to_numpy()
    full = BlackLitterman(TAU, DELTA, "idzorek").fit(
        COV, P, Q, market_weights=W_MKT, confidences=pd.Series([1.0], index=Q.index)
    )
    assert_allclose(p @ full.posterior_mean_.to_numpy(), Q, rtol=1e-12)  # view held exactly
    half = BlackLitterman(TAU, DELTA, "idzorek").fit(
        COV, P, Q, market_weights=W_MKT, confidences=pd.Series([0.5], index=Q.index)
    )
    assert_allclose(half.posterior_mean_, _fit().posterior_mean_, rtol=1e-12)
    none = BlackLitterman(TAU, DELTA, "idzorek").fit(
        COV, P, Q, market_weights=W_MKT, confidences=pd.Series([0.0], index=Q.index)
    )
    assert_allclose(none.posterior_mean_, none.prior_, atol=1e-12)


@pytest.mark.parametrize(
    ("method", "conf", "match"),
    [
        ("he_litterman", [0.0], "he_litterman confidences must be positive"),
        ("idzorek", [1.2], r"idzorek confidences must be in \[0, 1\]"),
        ("bayes", [1.0], "method must be 'he_litterman' or 'idzorek', got 'bayes'"),
    ],
)
def test_view_uncertainty_bad_parameters(method, conf, match):
    with pytest.raises(ValueError, match=match):
        view_uncertainty(P.to_numpy(), COV.to_numpy(), TAU, np.array(conf), method)


def test_bad_tau():
    with pytest.raises(ValueError, match="tau must be positive, got 0"):
        BlackLitterman(tau=0).fit(COV, P, Q)


SIGNALS = pd.DataFrame(
    {
        "exposure": [0.5, -1.0, 0.0, 0.8],
        "agreement": [1.0, 0.75, 0.0, 1.0],
        "weight": [2.0, 1.0, 0.0, 0.5],
    },
    index=pd.Index(["DI1", "USDBRL", "ES", "IND"], name="instrument_id"),
)
DAILY_VOLS = pd.Series({"DI1": 0.002, "USDBRL": 0.01, "ES": 0.012, "IND": 0.015})


def test_views_from_signals_hand_example():
    p, q, conf = views_from_signals(SIGNALS, DAILY_VOLS, ir=0.3)
    assert list(p.index) == ["DI1", "USDBRL", "IND"]  # ES has no signal, no view
    assert_allclose(p.to_numpy(), np.eye(4)[[0, 1, 3]])
    root = np.sqrt(252)
    assert_allclose(q, [0.5 * 0.3 * 0.002 * root, -0.3 * 0.01 * root, 0.8 * 0.3 * 0.015 * root])
    assert_allclose(conf, [1 - np.exp(-2), 0.75 * (1 - np.exp(-1)), 1 - np.exp(-0.5)], rtol=1e-14)


def test_views_from_signals_regime_adjustment():
    # Risk-off: m = 0.5 on IND lowers the long view; m = 0.5 on USDBRL raises the short one.
    regime = pd.Series({"IND": 0.5, "USDBRL": 0.5})
    _, _, base = views_from_signals(SIGNALS, DAILY_VOLS)
    _, _, adj = views_from_signals(SIGNALS, DAILY_VOLS, regime_multipliers=regime)
    assert_allclose(adj["IND"], 0.5 * base["IND"], rtol=1e-14)
    assert_allclose(adj["USDBRL"], min(2 * base["USDBRL"], 0.99), rtol=1e-14)
    assert_allclose(adj["DI1"], base["DI1"], rtol=1e-14)


def test_views_from_signals_bad_inputs():
    with pytest.raises(ValueError, match="ir must be positive, got 0"):
        views_from_signals(SIGNALS, DAILY_VOLS, ir=0)
    with pytest.raises(ValueError, match=r"vols missing for instruments: \['IND'\]"):
        views_from_signals(SIGNALS, DAILY_VOLS.drop("IND"))


def test_given_prior_must_cover_assets():
    with pytest.raises(ValueError, match=r"prior is missing assets: \['USA'\]"):
        BlackLitterman().fit(COV, P, Q, prior=pd.Series(0.05, index=COUNTRIES[:-1]))


def test_summary_frame():
    summary = _fit().summary()
    assert list(summary.columns) == ["prior", "posterior_mean", "weight"]
    assert_allclose(summary.loc["Germany", "weight"], 0.354, atol=1e-3)
