"""The cross-asset regime agent: forward filter, HMM labels, fallback, consistency, real data."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from pandas.testing import assert_frame_equal

from macro_models.agents import regime_hmm
from macro_models.agents.cross_asset import (
    HY_OAS,
    INPUTS,
    SPX,
    SPX_FRED,
    USDBRL,
    VIX,
    CrossAssetAgent,
    consistency_check,
    load_inputs,
    rule_based_regime,
    weekly_features,
)
from macro_models.agents.regime_hmm import RegimeFitError, RegimeHMM, forward_filter
from macro_models.agents.report import AgentReport, AgentSignal

WEIGHTS = {"vol": 1.0, "ret": -1.0}


def two_regime_sample(
    n: int = 400, seed: int = 0, noise: float = 1.0
) -> tuple[pd.DataFrame, np.ndarray]:
    """A persistent two-state Markov chain: calm (vol 10, ret +0.3) and stress (vol 30, −0.5),
    with noise of standard deviations 2·noise and 0.5·noise."""
    rng = np.random.default_rng(seed)
    states = np.zeros(n, dtype=int)
    for t in range(1, n):
        stay = 0.95 if states[t - 1] == 0 else 0.9
        states[t] = states[t - 1] if rng.random() < stay else 1 - states[t - 1]
    vol = np.where(states == 0, 10.0, 30.0) + rng.normal(0, 2.0 * noise, n)
    ret = np.where(states == 0, 0.3, -0.5) + rng.normal(0, 0.5 * noise, n)
    index = pd.date_range("2015-01-02", periods=n, freq="W-FRI")
    return pd.DataFrame({"vol": vol, "ret": ret}, index=index), states


# --- forward filter -----------------------------------------------------------------------


def test_forward_filter_matches_a_hand_rolled_three_step_example():
    start = np.array([0.6, 0.4])
    trans = np.array([[0.7, 0.3], [0.4, 0.6]])
    emission = np.array([[0.5, 0.1], [0.4, 0.3], [0.1, 0.6]])  # p(obs_t | state)
    # By hand, normalising each step (â_t = alpha_t / sum):
    #   alpha_1 = π·b_1 = [0.30, 0.04]                       -> â_1 = [15, 2] / 17
    #   â_1 A = [11.3, 5.7] / 17;   · b_2 -> [4.52, 1.71]    -> â_2 = [4.52, 1.71] / 6.23
    #   â_2 A = [3.848, 2.382] / 6.23; · b_3 -> [0.3848, 1.4292] -> â_3 = [0.3848, 1.4292] / 1.814
    expected = np.array(
        [[15 / 17, 2 / 17], [4.52 / 6.23, 1.71 / 6.23], [0.3848 / 1.814, 1.4292 / 1.814]]
    )
    got = forward_filter(np.log(start), np.log(trans), np.log(emission))
    assert_allclose(got, expected, rtol=1e-12)
    # The same recursion in probability space, with no rounding.
    alpha = start * emission[0]
    ref = [alpha / alpha.sum()]
    for t in (1, 2):
        alpha = (ref[-1] @ trans) * emission[t]
        ref.append(alpha / alpha.sum())
    assert_allclose(got, np.array(ref), rtol=1e-12)


def test_forward_filter_survives_tiny_likelihoods():
    log_em = np.array([[-2000.0, -2001.0], [-3000.0, -2990.0]])  # exp() underflows to 0
    got = forward_filter(np.log([0.5, 0.5]), np.log([[0.9, 0.1], [0.1, 0.9]]), log_em)
    assert np.all(np.isfinite(got))
    assert_allclose(got.sum(axis=1), 1.0)
    assert_allclose(got[0], [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))])


def test_filtered_equals_smoothed_only_at_the_last_observation():
    features, _ = two_regime_sample(200, noise=5.0)  # overlapping states: the filter hesitates
    model = RegimeHMM(stress_weights=WEIGHTS).fit(features)
    filtered, smoothed = model.filter(features), model.smoothed(features)
    assert_allclose(filtered.iloc[-1], smoothed.iloc[-1], atol=1e-8)
    # Earlier, smoothing uses later observations: the two differ somewhere.
    assert np.abs(filtered.iloc[:-1].to_numpy() - smoothed.iloc[:-1].to_numpy()).max() > 0.05


def test_filtered_probabilities_do_not_change_when_later_rows_are_appended():
    features, _ = two_regime_sample(300)
    model = RegimeHMM(stress_weights=WEIGHTS).fit(features.iloc[:200])
    assert_frame_equal(model.filter(features).iloc[:200], model.filter(features.iloc[:200]))


# --- the HMM ------------------------------------------------------------------------------


def test_two_regimes_with_known_means_are_recovered():
    features, states = two_regime_sample(400)
    model = RegimeHMM(stress_weights=WEIGHTS).fit(features)
    assert model.converged_
    assert_allclose(model.means_.loc["risk_on"], [10.0, 0.3], atol=0.4)
    assert_allclose(model.means_.loc["risk_off"], [30.0, -0.5], atol=0.6)
    guessed = (model.filter(features)["risk_off"] > 0.5).to_numpy().astype(int)
    assert (guessed == states).mean() > 0.95


def test_labels_follow_emission_means_not_hmmlearn_state_order(monkeypatch):
    features, _ = two_regime_sample(400)
    first = RegimeHMM(stress_weights=WEIGHTS).fit(features)
    assert first.labels_ == {0: "risk_on", 1: "risk_off"}
    # Start hmmlearn's states the other way round: state 0 ends up the stressed one.
    original = regime_hmm._stress_quantile_init

    def reversed_init(z, w, k):
        means, variances = original(z, w, k)
        return means[::-1], variances[::-1]

    monkeypatch.setattr(regime_hmm, "_stress_quantile_init", reversed_init)
    flipped = RegimeHMM(stress_weights=WEIGHTS).fit(features)
    assert flipped.labels_ == {0: "risk_off", 1: "risk_on"}
    assert_allclose(flipped.means_, first.means_, rtol=1e-6)
    assert_allclose(flipped.filter(features), first.filter(features), atol=1e-6)


def test_labels_are_stable_across_refits_on_a_longer_sample():
    features, _ = two_regime_sample(500, seed=3)
    means = [
        RegimeHMM(stress_weights=WEIGHTS).fit(features.iloc[:n]).means_ for n in (150, 300, 500)
    ]
    for m in means:
        assert list(m.index) == ["risk_on", "risk_off"]
        assert m.at["risk_off", "vol"] > 25 > 15 > m.at["risk_on", "vol"]


def test_three_states_order_risk_on_neutral_risk_off():
    rng = np.random.default_rng(1)
    vol = np.repeat([10.0, 20.0, 40.0, 20.0, 10.0], 60) + rng.normal(0, 1.0, 300)
    features = pd.DataFrame({"vol": vol}, index=pd.date_range("2015-01-02", periods=300))
    model = RegimeHMM(n_states=3, stress_weights={"vol": 1.0}).fit(features)
    assert_allclose(model.means_["vol"], [10.0, 20.0, 40.0], atol=0.5)
    assert list(model.filter(features).columns) == ["risk_on", "neutral", "risk_off"]


@pytest.mark.parametrize(
    ("params", "match"),
    [
        pytest.param({"n_states": 4}, r"n_states must be one of \[2, 3\], got 4", id="states"),
        pytest.param({"n_iter": 0}, r"n_iter must be at least 1, got 0", id="iter"),
    ],
)
def test_bad_parameters_raise(params, match):
    features, _ = two_regime_sample(100)
    with pytest.raises(ValueError, match=match):
        RegimeHMM(**params).fit(features)


def test_fit_failures_raise_regime_fit_error():
    features, _ = two_regime_sample(100)
    with pytest.raises(RegimeFitError, match=r"too little data to fit the HMM: 30 rows < 52"):
        RegimeHMM().fit(features.iloc[:30])
    with pytest.raises(RegimeFitError, match=r"degenerate covariance: constant features \['c'\]"):
        RegimeHMM().fit(features.assign(c=1.0))
    with pytest.raises(ValueError, match="features contain NaN"):
        RegimeHMM().fit(features.assign(vol=np.nan))


# --- rule-based fallback and the consistency check ----------------------------------------


@pytest.mark.parametrize(
    ("vix", "hy", "dd", "regime"),
    [
        pytest.param(30.0, 3.0, 0.0, "risk_off", id="vix"),
        pytest.param(15.0, 6.5, 0.0, "risk_off", id="hy"),
        pytest.param(15.0, 3.0, -20.0, "risk_off", id="drawdown"),
        pytest.param(15.0, 3.5, -2.0, "risk_on", id="calm"),
        pytest.param(15.0, np.nan, np.nan, "risk_on", id="calm-vix-only"),
        pytest.param(20.0, 3.5, -2.0, "neutral", id="in-between"),
        pytest.param(np.nan, np.nan, np.nan, "neutral", id="nothing-known"),
    ],
)
def test_rule_based_regime(vix, hy, dd, regime):
    assert rule_based_regime(vix, hy, dd)[0] == regime


def report(agent_id: str, direction: int, signal_id: str = "s") -> AgentReport:
    sig = AgentSignal(signal_id, direction, 0.5, 0.5, "3m", "")
    return AgentReport(agent_id, date(2024, 1, 31), "", [sig], [], [])


def test_consistency_check_flags_contradictions():
    reports = [
        report("monetary_policy", 1, "br_policy_rate_vs_taylor"),
        report("growth", -1),
        report("fiscal", 1),
    ]
    assert consistency_check("risk_off", reports) == [
        {
            "flag": "stagflation_risk",
            "agent_id": "monetary_policy",
            "signal_id": "br_policy_rate_vs_taylor",
        }
    ]
    assert consistency_check("risk_on", reports) == [
        {"flag": "growth_vs_risk_on", "agent_id": "growth", "signal_id": "s"},
        {"flag": "fiscal_vs_risk_on", "agent_id": "fiscal", "signal_id": "s"},
    ]
    assert consistency_check("neutral", reports) == []
    assert consistency_check("risk_off", [report("growth", 1)])[0]["flag"] == "growth_vs_risk_off"


# --- the agent on synthetic daily data ----------------------------------------------------


def synthetic_daily(seed: int = 0, years: int = 5) -> pd.DataFrame:
    """Business-day inputs alternating half-year calm and stress spells; stress at the end."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2015-01-01", periods=252 * years)
    stress = ((np.arange(len(days)) // 126) % 2 == 1).astype(float)
    stress[-40:] = 1.0
    ret = np.where(stress == 1, -0.002, 0.0008) + rng.normal(0, 1, len(days)) * np.where(
        stress == 1, 0.025, 0.007
    )
    frame = pd.DataFrame(
        {
            SPX: 2000 * np.exp(np.cumsum(ret)),
            SPX_FRED: np.nan,
            VIX: np.where(stress == 1, 32.0, 13.0) + rng.normal(0, 1.0, len(days)),
            HY_OAS: np.where(stress == 1, 6.5, 3.5) + rng.normal(0, 0.1, len(days)),
            "fred__DGS10": 2.5 + rng.normal(0, 0.05, len(days)),
            "fred__DGS2": 1.5 + rng.normal(0, 0.05, len(days)),
            USDBRL: 4.0 * np.exp(np.cumsum(rng.normal(0, 0.008, len(days)))),
        },
        index=pd.DatetimeIndex(days, name="date"),
    )
    return frame[list(INPUTS)]


AS_OF = date(2019, 10, 18)


def test_weekly_features_are_friday_bins_of_known_data():
    daily = synthetic_daily()
    weekly = weekly_features(daily.loc[:"2019-10-16"])  # a Wednesday
    assert list(weekly.columns) == [
        "realized_vol",
        "log_vix",
        "hy_oas",
        "slope_2s10s",
        "usdbrl_return",
        "spx_return",
        "spx_drawdown",
    ]
    assert weekly.index[-1] == pd.Timestamp("2019-10-16")  # the week under way: not its Friday
    assert weekly.index[-2] == pd.Timestamp("2019-10-11")
    spx = daily[SPX]
    assert_allclose(
        weekly.at[pd.Timestamp("2019-10-11"), "spx_return"],
        100 * np.log(spx["2019-10-11"] / spx["2019-10-04"]),
    )
    assert_allclose(weekly["log_vix"].iloc[-1], np.log(daily.at[pd.Timestamp("2019-10-16"), VIX]))
    assert (weekly["spx_drawdown"] <= 0).all()


def test_agent_report_in_a_stress_spell():
    out = CrossAssetAgent().run(synthetic_daily(), AS_OF)
    assert isinstance(out, AgentReport)
    assert (out.agent_id, out.as_of_date) == ("cross_asset", AS_OF)
    (signal,) = out.signals
    assert (signal.signal_id, signal.direction) == ("risk_regime", -1)
    d = out.diagnostics
    assert d["method"] == "hmm" and d["converged"] and d["fallback_reason"] == ""
    assert d["regime"] == "risk_off"
    assert_allclose(signal.confidence, max(d["probabilities"].values()), atol=1e-4)
    assert signal.confidence > 0.9
    assert d["regime_means"]["risk_off"]["log_vix"] > d["regime_means"]["risk_on"]["log_vix"]
    assert d["n_weeks"] == 247 and d["last_week"] == "2019-10-18"
    assert d["missing_inputs"] == [] and d["consistency_flags"] == []
    assert d["dropped_features"] == []
    assert out.headline.startswith("Cross-asset regime risk-off: filtered P(risk_off)")
    assert out.key_drivers[0].startswith("VIX 3")  # about 32 in the stress spell
    assert [k.split()[0] for k in out.key_drivers] == ["VIX", "US", "S&P", "S&P", "UST"]
    assert json.loads(json.dumps(out.to_json()))["signals"][0]["signal_id"] == "risk_regime"


def test_agent_in_a_calm_spell_is_risk_on():
    out = CrossAssetAgent().run(synthetic_daily(), date(2019, 3, 15))
    assert out.signals[0].direction == 1
    assert out.diagnostics["regime"] == "risk_on"


def test_agent_ignores_rows_after_the_date():
    daily = synthetic_daily()
    base = CrossAssetAgent().run(daily.loc[:"2019-09-30"], date(2019, 9, 30))
    later = CrossAssetAgent().run(daily, date(2019, 9, 30))
    assert later == base
    # Rewriting everything after the date (a revision known later) changes nothing either.
    revised = daily.copy()
    revised.loc["2019-10-01":, VIX] = 80.0
    assert CrossAssetAgent().run(revised, date(2019, 9, 30)) == base


def test_missing_inputs_lower_confidence_and_are_reported():
    daily = synthetic_daily()
    full = CrossAssetAgent().run(daily, AS_OF)
    partial = CrossAssetAgent().run(daily.assign(**{USDBRL: np.nan}), AS_OF)
    assert partial.diagnostics["missing_inputs"] == [USDBRL]
    assert partial.diagnostics["dropped_features"] == ["usdbrl_return"]
    assert partial.signals[0].confidence < full.signals[0].confidence
    assert partial.risks[-1] == f"missing inputs: {USDBRL}"
    # FRED's S&P 500 stands in for Yahoo's.
    fred = daily.assign(**{SPX_FRED: daily[SPX], SPX: np.nan})
    assert CrossAssetAgent().run(fred, AS_OF).diagnostics["missing_inputs"] == []


@pytest.mark.parametrize(
    ("agent", "daily", "reason"),
    [
        pytest.param(
            CrossAssetAgent(),
            synthetic_daily().loc["2019-06-01":],
            "too little data to fit the HMM",
            id="short",
        ),
        pytest.param(
            CrossAssetAgent(n_iter=1),
            synthetic_daily(),
            "HMM did not converge in 1 iterations",
            id="not-converged",
        ),
        pytest.param(
            CrossAssetAgent(),
            synthetic_daily().assign(**{HY_OAS: 5.0}),
            "degenerate covariance: constant features ['hy_oas']",
            id="constant-feature",
        ),
    ],
)
def test_fallback_is_rule_based_and_flagged(agent, daily, reason):
    out = agent.run(daily, AS_OF)
    d = out.diagnostics
    assert d["method"] == "rule" and d["fallback_reason"].startswith(reason)
    assert d["probabilities"] == {}
    # Stress at the end: VIX about 32 > 25.
    assert (d["regime"], out.signals[0].direction) == ("risk_off", -1)
    assert out.signals[0].confidence <= 0.4
    assert "rule-based fallback" in out.headline


def test_agent_with_nothing_usable_is_neutral():
    empty = pd.DataFrame(columns=list(INPUTS), index=pd.DatetimeIndex([], name="date"))
    out = CrossAssetAgent().run(empty.astype(float), AS_OF)
    assert out.diagnostics["method"] == "rule"
    assert out.signals[0].direction == 0
    assert len(out.diagnostics["missing_inputs"]) == 6  # both S&P 500 sources count once


def test_agent_passes_other_reports_to_the_check():
    out = CrossAssetAgent().run(synthetic_daily(), AS_OF, [report("monetary_policy", 1)])
    assert out.diagnostics["consistency_flags"][0]["flag"] == "stagflation_risk"
    assert out.risks[0] == "stagflation_risk: monetary_policy/s"


def test_parameters_are_stored_as_given():
    agent = CrossAssetAgent(n_states=3, window_weeks=200, n_iter=50, tol=0.01, min_weeks=60)
    assert (agent.n_states, agent.window_weeks, agent.n_iter, agent.tol, agent.min_weeks) == (
        3,
        200,
        50,
        0.01,
        60,
    )


class FakeLoader:
    """Serves a frame; raises like PointInTimeLoader for columns it has no data for."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.calls: list[list[str]] = []

    def load(self, columns, start, end, as_of):
        self.calls.append(list(columns))
        absent = [c for c in columns if self.frame[c].isna().all()]
        if absent:
            raise ValueError(f"no data known for {', '.join(absent)}")
        return self.frame.loc[str(start) : str(end), list(columns)]


def test_load_inputs_keeps_going_without_some_series():
    daily = synthetic_daily()
    frame = load_inputs(FakeLoader(daily), AS_OF)
    assert frame.attrs["missing"] == [SPX_FRED]
    assert list(frame.columns) == list(INPUTS)
    assert frame[SPX_FRED].isna().all() and frame.index.max() == pd.Timestamp(AS_OF)
    assert frame.index.min() >= pd.Timestamp("2013-10-01")


# --- real data ----------------------------------------------------------------------------


@pytest.mark.slow
def test_real_data_month_ends_2012_2023(real_gold_engine):
    from macro_models.pit import PointInTimeLoader

    loader = PointInTimeLoader(real_gold_engine)
    agent = CrossAssetAgent()
    regimes: dict[pd.Timestamp, int] = {}
    methods = []
    for month_end in pd.date_range("2012-01-31", "2023-12-31", freq="ME"):
        as_of = month_end.date()
        out = agent.run(load_inputs(loader, as_of), as_of)
        assert out.agent_id == "cross_asset" and out.as_of_date == as_of
        assert 0.0 <= out.signals[0].confidence <= 1.0
        regimes[month_end] = out.signals[0].direction
        methods.append(out.diagnostics["method"])
    s = pd.Series(regimes)
    assert len(s) == 144
    assert methods.count("hmm") >= 130  # the fallback is for failures, not the rule
    assert (s["2020-02-29":"2020-06-30"] == -1).all()  # COVID crash and its aftermath
    assert (s["2017"] == 1).mean() >= 0.9  # the calmest year on record
    assert (s["2019"] == 1).mean() >= 0.6  # calm but for the trade-war scares (May, August)
    assert (s["2022"] == -1).mean() >= 0.9  # the hiking cycle's bear market
    assert (s["2015-08-31":"2016-02-29"] == -1).mean() >= 0.5  # China devaluation, oil slump
