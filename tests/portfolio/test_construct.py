"""End-to-end on a four-instrument book: DI1 (paid +1), NTN-B, USD/BRL and IND (no signal)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.portfolio.constraints import PortfolioLimits
from macro_models.portfolio.construct import PortfolioConstructor
from macro_models.portfolio.risk_budget import risk_contributions
from macro_models.portfolio.vol_target import portfolio_vol

NAV = 100e6  # BRL
IDS = pd.Index(["DI1", "NTNB", "USDBRL", "IND"], name="instrument_id")
# Daily vols per unit notional; a paid DI1 loses when NTN-B rallies, USD/BRL rises in risk-off.
VOLS = np.array([0.002, 0.004, 0.01, 0.013])
CORR = np.array(
    [
        [1.0, -0.3, 0.4, -0.4],
        [-0.3, 1.0, -0.3, 0.4],
        [0.4, -0.3, 1.0, -0.5],
        [-0.4, 0.4, -0.5, 1.0],
    ]
)
COV = pd.DataFrame(CORR * np.outer(VOLS, VOLS), index=IDS, columns=IDS)
META = pd.DataFrame(
    {
        "asset_class": ["rates", "inflation", "fx", "equity"],
        "mod_duration": [-2.0, 6.0, 0.0, 0.0],
        "fx_delta": [0.0, 0.0, 1.0, 0.0],
    },
    index=IDS,
)
# Receive DI1 (-0.8) and long NTN-B (+0.5): both long duration. Short USD (-0.6). IND flat.
SIGNALS = pd.DataFrame(
    {
        "exposure": [-0.8, 0.5, -0.6, 0.0],
        "agreement": [1.0, 0.75, 1.0, 0.0],
        "weight": [2.0, 1.0, 1.5, 0.0],
    },
    index=IDS,
)
# A strong edge (IR 1 per unit signal: half-Kelly vol ≈ 44 %) keeps the Kelly cap slack at a
# 10 % target; test_kelly_cap_binds_with_a_weak_edge covers the other case.
EDGE = 1.0
LOOSE = PortfolioLimits(
    gross_by_class={"rates": 10.0, "inflation": 10.0, "fx": 10.0, "equity": 10.0},
    total_gross=20.0,
    dv01_budget_brl=1e6,
    fx_delta_limit=5.0,
)


@pytest.mark.parametrize("method", ["risk_budget", "vol_scaled", "black_litterman"])
def test_vol_on_target_when_nothing_binds(method):
    pc = PortfolioConstructor(method=method, target_vol=0.10, ir=EDGE, limits=LOOSE)
    out = pc.construct(SIGNALS, COV, META, NAV)
    assert pc.report_["vol_binding"] == "target"
    assert pc.report_["kelly_capped"] == []
    assert pc.report_["binding_constraints"] == []
    assert_allclose(pc.report_["ex_ante_vol"], 0.10, rtol=1e-12)
    assert_allclose(portfolio_vol(out["weight"].to_numpy(), COV.to_numpy()), 0.10, rtol=1e-12)
    assert out.loc["IND", "weight"] == 0  # no signal, no position
    assert_allclose(out["risk_contribution"].sum(), 1.0, rtol=1e-12)


def test_risk_budget_contributions_follow_signal_strength():
    out = PortfolioConstructor(method="risk_budget", ir=EDGE).construct(SIGNALS, COV, META, NAV)
    budgets = SIGNALS["exposure"].abs() / SIGNALS["exposure"].abs().sum()
    assert_allclose(out["risk_contribution"], budgets, atol=1e-6)
    assert (np.sign(out["weight"]) == np.sign(SIGNALS["exposure"])).all()


def test_vol_scaled_raw_weights_are_signal_over_vol():
    out = PortfolioConstructor(method="vol_scaled").construct(SIGNALS, COV, META, NAV)
    expected = SIGNALS["exposure"] / (VOLS * np.sqrt(252))
    assert_allclose(out["raw_weight"], expected, rtol=1e-14)


def test_binding_dv01_budget_is_respected_exactly():
    limits = PortfolioLimits(dv01_budget_brl=50_000)
    pc = PortfolioConstructor(method="risk_budget", ir=EDGE, limits=limits)
    out = pc.construct(SIGNALS, COV, META, NAV)
    pre = out["vol_target_weight"]  # Kelly does not bind here: pre-limit weights
    assert pc.report_["kelly_capped"] == []
    net_before = float((pre * NAV * META["mod_duration"] / 10_000).sum())
    assert net_before > 50_000
    assert pc.report_["binding_constraints"] == ["net_dv01"]
    assert_allclose(out["dv01_brl"].sum(), 50_000, rtol=1e-12)
    assert_allclose(pc.report_["net_dv01_brl"], 50_000, rtol=1e-12)
    scale = 50_000 / net_before
    assert_allclose(out.loc[["DI1", "NTNB"], "weight"], pre[["DI1", "NTNB"]] * scale, rtol=1e-12)
    assert out.loc["USDBRL", "weight"] == pre["USDBRL"]  # outside the DV01 scope
    assert pc.report_["ex_ante_vol"] < 0.10


def test_kelly_cap_binds_with_a_weak_edge():
    # ir = 0.05: half-Kelly vol is 0.5 · 0.05 · sqrt(x′C⁻¹x) ≈ 2.2 % < the 10 % target.
    pc = PortfolioConstructor(method="vol_scaled", ir=0.05)
    out = pc.construct(SIGNALS, COV, META, NAV)
    active = ["DI1", "NTNB", "USDBRL"]
    assert pc.report_["kelly_capped"] == active
    assert_allclose(out.loc[active, "weight"].abs(), out.loc[active, "kelly_weight"].abs())
    assert (np.sign(out.loc[active, "weight"]) == np.sign(SIGNALS.loc[active, "exposure"])).all()
    assert pc.report_["ex_ante_vol"] < 0.10


def test_output_columns_in_brl_and_usd():
    out = PortfolioConstructor().construct(SIGNALS, COV, META, NAV, usdbrl=5.0)
    w = out["weight"]
    assert_allclose(out["notional_brl"], w * NAV, rtol=1e-15)
    assert_allclose(out.loc["NTNB", "dv01_brl"], w["NTNB"] * NAV * 6 / 10_000, rtol=1e-15)
    assert_allclose(out.loc["USDBRL", "fx_delta_usd"], w["USDBRL"] * NAV / 5.0, rtol=1e-15)
    assert_allclose(risk_contributions(w.to_numpy(), COV.to_numpy()), out["risk_contribution"])


def test_regime_multiplier_reweights_risk_budget():
    # m = 0.5 on the short USD view: strength -0.6 / 0.5 = -1.2, clipped to -1.
    pc = PortfolioConstructor(method="risk_budget", ir=EDGE)
    out = pc.construct(SIGNALS, COV, META, NAV, regime_multipliers=pd.Series({"USDBRL": 0.5}))
    assert_allclose(out["risk_contribution"], [0.8 / 2.3, 0.5 / 2.3, 1.0 / 2.3, 0.0], atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "mean_variance"}, "method must be one of"),
        ({"kelly_fraction": 0.0}, r"kelly_fraction must be in \(0, 1\], got 0.0"),
        ({"target_vol": -0.1}, "target_vol must be positive, got -0.1"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PortfolioConstructor(**kwargs).construct(SIGNALS, COV, META, NAV)


def test_missing_covariance():
    with pytest.raises(ValueError, match=r"cov is missing instruments: \['IND'\]"):
        PortfolioConstructor().construct(SIGNALS, COV.drop(index="IND", columns="IND"), META, NAV)
