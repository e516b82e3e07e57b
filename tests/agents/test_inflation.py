"""The inflation agent and its Phillips curve: tiny hand-built frames, statsmodels as reference,
no look-ahead, and the real data 2012-2023 with the episodes everyone knows."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from pandas.testing import assert_frame_equal, assert_series_equal
from statsmodels.tsa.filters.hp_filter import hpfilter

from macro_models.agents.inflation import (
    FOCUS,
    IBC_BR,
    InflationAgent,
    InflationInputs,
    load_inputs,
)
from macro_models.agents.monetary_policy import IPCA
from macro_models.agents.phillips_curve import (
    REGRESSORS,
    PhillipsCurve,
    one_sided_hp_gap,
    phillips_design,
    seasonally_adjust,
    to_monthly,
)
from macro_models.agents.report import AgentReport
from macro_models.catalog.inflation_targets import InflationTarget

TARGET = InflationTarget(year=2024, target_pct=3.0, tolerance_pp=1.5, decided_on=date(2021, 6, 24))
D = date(2024, 6, 28)  # May's IPCA is out (mid-June), June's is not
SEASONAL = np.array([0.3, 0.2, 0.1, 0.0, -0.1, -0.2, -0.2, -0.2, -0.1, 0.0, 0.1, 0.1])  # sums to 0
SIGNALS = [
    "br_inflation_vs_target",
    "br_inflation_momentum",
    "br_inflation_vs_focus",
    "br_inflation_forecast_vs_target",
    "us_inflation",
]


def months(first: str, n: int) -> pd.PeriodIndex:
    return pd.period_range(first, periods=n, freq="M")


def economy(level: float = 0.25, first: str = "2008-01", last: str = "2024-05", seed: int = 0):
    """Synthetic inputs: IPCA m/m = level + a slow cycle + seasonal pattern + noise, dated the
    1st; weekly Focus; monthly IBC-Br; daily USD/BRL (all through D's knowledge)."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(first, last, freq="MS")
    t = np.arange(len(idx))
    mom = level + 0.1 * np.sin(2 * np.pi * t / 30) + SEASONAL[idx.month - 1]
    mom = mom + rng.normal(0, 0.05, len(idx))
    fridays = pd.date_range(first, D, freq="W-FRI")
    focus = 4.0 + np.sin(np.arange(len(fridays)) / 40) + rng.normal(0, 0.05, len(fridays))
    activity = 100 * np.exp(0.002 * t + 0.02 * np.sin(2 * np.pi * t / 40))
    days = pd.bdate_range(first, D)
    fx = 2.0 * np.exp(np.arange(len(days)) / 3000 + 0.1 * np.sin(np.arange(len(days)) / 150))
    return InflationInputs(
        ipca_mom=pd.Series(mom, index=idx),
        target=TARGET,
        focus_12m=pd.Series(focus, index=fridays),
        activity=pd.Series(activity[:-1], index=idx[:-1]),  # IBC-Br a month behind
        usdbrl=pd.Series(fx, index=days),
    )


def signals(report: AgentReport) -> dict:
    return {s.signal_id: s for s in report.signals}


# --- building blocks --------------------------------------------------------------------------


def test_to_monthly_takes_the_last_or_the_mean_and_skips_holes():
    s = pd.Series(
        [1.0, np.nan, 3.0, 5.0],
        index=pd.DatetimeIndex(["2024-01-05", "2024-01-20", "2024-01-31", "2024-02-02"]),
    )
    assert_series_equal(to_monthly(s), pd.Series([3.0, 5.0], index=months("2024-01", 2)))
    assert_series_equal(to_monthly(s, "mean"), pd.Series([2.0, 5.0], index=months("2024-01", 2)))
    assert to_monthly(None).empty


def test_seasonal_adjustment_recovers_a_pure_seasonal_pattern():
    x = pd.Series(0.4 + np.tile(SEASONAL, 6), index=months("2015-01", 72))
    out = seasonally_adjust(x)
    # Twelve months for the first deviation (2015-12), then three years of them, the last one
    # a year before: the first factor is 2018-12's.
    assert out["factor"].first_valid_index() == pd.Period("2018-12", "M")
    known = out.dropna()
    assert_allclose(known["factor"], SEASONAL[known.index.month - 1], atol=1e-12)
    assert_allclose(known["sa"], 0.4, atol=1e-12)


def test_seasonal_factor_uses_only_earlier_years():
    x = pd.Series(0.4 + np.tile(SEASONAL, 6), index=months("2015-01", 72))
    base = seasonally_adjust(x)
    shocked = x.copy()
    shocked.iloc[-1] += 5.0  # December 2020 jumps: its own factor must not move
    out = seasonally_adjust(shocked)
    assert_allclose(out["factor"].iloc[-1], base["factor"].iloc[-1])
    assert_allclose(out["sa"].iloc[-1], base["sa"].iloc[-1] + 5.0)


def test_seasonal_adjustment_rejects_bad_year_counts():
    with pytest.raises(ValueError, match=r"need 1 <= min_years <= max_years, got 4 and 3"):
        seasonally_adjust(pd.Series(dtype=float), max_years=3, min_years=4)


def test_one_sided_gap_end_points_match_statsmodels_hp_filter():
    rng = np.random.default_rng(1)
    level = pd.Series(
        100 * np.exp(np.cumsum(rng.normal(0.002, 0.01, 60))), index=months("2019-01", 60)
    )
    gap = one_sided_hp_gap(level, lamb=14400, min_obs=24, window=120)
    assert gap.iloc[:23].isna().all() and gap.iloc[23:].notna().all()
    for k in (24, 40, 60):
        logs = 100 * np.log(level.iloc[:k].to_numpy())
        _, trend = hpfilter(logs, lamb=14400)
        assert_allclose(gap.iloc[k - 1], logs[-1] - trend[-1], atol=1e-9)


def test_one_sided_gap_is_zero_on_a_log_linear_trend_and_ignores_later_data():
    level = pd.Series(100 * np.exp(0.003 * np.arange(50)), index=months("2019-01", 50))
    assert_allclose(one_sided_hp_gap(level).dropna(), 0.0, atol=1e-6)
    bumpy = level * np.exp(0.02 * np.sin(np.arange(50)))
    full = one_sided_hp_gap(bumpy)
    assert_series_equal(one_sided_hp_gap(bumpy.iloc[:35]), full.iloc[:35])
    with pytest.raises(ValueError, match="min_obs must be at least 3"):
        one_sided_hp_gap(level, min_obs=2)


def test_design_dates_every_regressor_before_the_month_it_explains():
    idx = months("2020-01", 30)
    sa = pd.Series(0.5, index=idx)
    focus = pd.Series(np.arange(30.0), index=idx)
    fx = pd.Series(2.0 * 1.01 ** np.arange(30), index=idx)
    activity = pd.Series(100 * np.exp(0.01 * np.sin(np.arange(30.0))), index=idx)
    design = phillips_design(sa, focus, activity, fx)
    assert design.index[-1] == pd.Period("2022-07", "M")  # the month after the last IPCA
    assert np.isnan(design["y"].iloc[-1])
    assert_allclose(design["y"].iloc[:-1], (1.005**12 - 1) * 100)
    assert_allclose(design["lagged_inflation"].iloc[3:], (1.005**12 - 1) * 100)
    assert design["lagged_inflation"].iloc[:3].isna().all()  # three SA months, one month back
    assert_allclose(design.loc["2022-07", "expectations"], 29.0)  # June's survey
    assert_allclose(design["fx_change"].iloc[13:], (1.01**12 - 1) * 100)
    gap = one_sided_hp_gap(activity)
    assert_allclose(design.loc["2022-07", "output_gap"], gap.loc["2022-05"])  # two months back
    with pytest.raises(ValueError, match="no seasonally adjusted IPCA"):
        phillips_design(pd.Series(np.nan, index=idx), focus, activity, fx)


def test_phillips_curve_recovers_known_coefficients_like_statsmodels():
    rng = np.random.default_rng(7)
    n = 400
    X = pd.DataFrame(
        {
            "expectations": 4 + rng.normal(0, 1, n),
            "lagged_inflation": 5 + rng.normal(0, 2, n),
            "output_gap": rng.normal(0, 2, n),
            "fx_change": rng.normal(0, 10, n),
        },
        index=months("1990-01", n),
    )
    beta = np.array([0.6, 0.3, 0.2, 0.05])
    y = 1.0 + X @ beta + rng.normal(0, 0.3, n)
    curve = PhillipsCurve(hac_maxlags=4).fit(X, y)
    assert_allclose(curve.params_[list(X.columns)], beta, atol=0.03)
    assert_allclose(curve.params_["const"], 1.0, atol=0.15)
    ref = sm.OLS(y, sm.add_constant(X)).fit(cov_type="HAC", cov_kwds={"maxlags": 4})
    assert_allclose(curve.params_, ref.params)
    assert_allclose(curve.bse_, ref.bse)
    assert_allclose(curve.tvalues_, ref.tvalues)
    assert_allclose(curve.rsquared_, ref.rsquared)
    assert curve.nobs_ == n and curve.sample_ == (X.index[0], X.index[-1])
    assert_allclose(curve.predict(X.iloc[-5:]), ref.predict(sm.add_constant(X).iloc[-5:]))


def test_phillips_curve_rejects_bad_inputs():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    y = pd.Series([1.0, 2.0, 4.0])
    with pytest.raises(ValueError, match="hac_maxlags must be >= 0, got -1"):
        PhillipsCurve(hac_maxlags=-1).fit(X, y)
    with pytest.raises(ValueError, match="2 complete rows cannot fit 1 regressors"):
        PhillipsCurve().fit(X, y.where(y < 3))


# --- the agent --------------------------------------------------------------------------------


def test_report_fields():
    report = InflationAgent().run(economy(), D)
    assert isinstance(report, AgentReport)
    assert report.agent_id == "inflation" and report.as_of_date == D
    assert [s.signal_id for s in report.signals] == SIGNALS
    for s in report.signals:
        assert s.direction in (-1, 0, 1)
        assert 0.0 <= s.strength <= 1.0 and 0.0 <= s.confidence <= 1.0
    assert [s.horizon for s in report.signals] == ["12m", "3m", "3m", "1m", "12m"]
    d = report.diagnostics
    assert d["ipca_last_month"] == "2024-05"
    assert d["ipca_12m_source"] == "computed from bcb_sgs__433"
    assert d["ipca_3m_saar_source"] == "computed from bcb_sgs__433 (one-sided SA)"
    p = d["phillips_curve"]
    assert p["forecast_month"] == "2024-06"
    assert p["regressors_used"] == list(REGRESSORS) and p["regressors_dropped"] == []
    assert p["regressors_carried_forward"] == []
    # IBC-Br for April is out by late June; were it not, March's gap would stand in for it.
    late = replace(economy(), activity=economy().activity.iloc[:-1])
    late_p = InflationAgent().run(late, D).diagnostics["phillips_curve"]
    assert late_p["regressors_carried_forward"] == ["output_gap"]
    march_gap = one_sided_hp_gap(to_monthly(late.activity)).iloc[-1]
    assert_allclose(late_p["latest_output_gap_pct"], march_gap, atol=1e-4)
    assert p["nobs"] == 120 and p["sample"][1] == "2024-05"
    assert set(p["coefficients"]) == {"const", *REGRESSORS} == set(p["tvalues"])
    out = json.loads(json.dumps(report.to_json()))
    assert out["as_of_date"] == "2024-06-28"
    assert "US inflation" in " ".join(report.risks)  # no US features given


def test_ipca_12m_and_momentum_by_hand():
    report = InflationAgent().run(economy(), D)
    mom = economy().ipca_mom
    infl = (np.prod(1 + mom.iloc[-12:] / 100) - 1) * 100
    assert_allclose(report.diagnostics["ipca_12m_pct"], infl, atol=1e-4)
    sa = seasonally_adjust(to_monthly(mom))["sa"].iloc[-3:]
    saar = (np.prod(1 + sa / 100) ** 4 - 1) * 100
    assert_allclose(report.diagnostics["ipca_3m_saar_pct"], saar, atol=1e-4)
    momentum = signals(report)["br_inflation_momentum"]
    assert (
        momentum.rationale == f"3m SAAR {saar:.2f}% − IPCA 12m {infl:.2f}% = {saar - infl:+.2f} pp"
    )


def test_phillips_diagnostics_match_a_direct_statsmodels_fit():
    inputs = economy()
    report = InflationAgent(window_months=60, hac_maxlags=3).run(inputs, D)
    p = report.diagnostics["phillips_curve"]
    sa = seasonally_adjust(to_monthly(inputs.ipca_mom))["sa"]
    design = phillips_design(
        sa, to_monthly(inputs.focus_12m), to_monthly(inputs.activity),
        to_monthly(inputs.usdbrl, "mean"),
    )  # fmt: skip
    sample = design.iloc[:-1].dropna().iloc[-60:]
    ref = sm.OLS(sample["y"], sm.add_constant(sample[list(REGRESSORS)])).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3}
    )
    assert_allclose(pd.Series(p["coefficients"])[ref.params.index], ref.params, atol=1e-6)
    assert_allclose(pd.Series(p["tvalues"])[ref.params.index], ref.tvalues, atol=1e-4)
    assert_allclose(p["rsquared"], ref.rsquared, atol=1e-6)
    row = design.iloc[-1].copy()
    row["output_gap"] = design["output_gap"].dropna().iloc[-1]
    forecast = ref.params["const"] + row[list(REGRESSORS)] @ ref.params[list(REGRESSORS)]
    assert_allclose(p["forecast_saar_pct"], forecast, atol=1e-4)


@pytest.mark.parametrize(
    ("level", "direction", "band"),
    [
        pytest.param(0.75, 1, "above the band", id="hot-hawkish"),
        pytest.param(0.22, 0, "within the band", id="on-target-neutral"),
        pytest.param(0.05, -1, "below the band", id="cold-dovish"),
    ],
)
def test_inflation_against_the_target(level, direction, band):
    report = InflationAgent().run(economy(level=level), D)
    s = signals(report)["br_inflation_vs_target"]
    assert s.direction == direction
    assert report.diagnostics["band_position"] == band
    assert band in report.headline
    gap = report.diagnostics["ipca_12m_pct"] - 3.0
    assert_allclose(s.strength, min(abs(gap) / 1.5, 1.0), atol=1e-4)
    # The Phillips forecast follows: a hot economy forecasts above target, a cold one below.
    forecast = signals(report)["br_inflation_forecast_vs_target"]
    assert forecast.direction in (direction, 0)


def test_gold_features_are_preferred_and_cores_move_confidence():
    inputs = economy(level=0.75)
    idx = pd.DatetimeIndex(["2024-04-01", "2024-05-01"])
    feats = pd.DataFrame(
        {"macro:ipca_12m": [9.0, 8.0], "macro:ipca_3m_saar": [6.0, 7.0]}, index=idx
    )
    plain = InflationAgent().run(replace(inputs, features=feats), D)
    assert plain.diagnostics["ipca_12m_pct"] == 8.0
    assert plain.diagnostics["ipca_3m_saar_pct"] == 7.0
    assert plain.diagnostics["ipca_12m_source"] == "macro:ipca_12m"
    base = signals(plain)["br_inflation_vs_target"].confidence
    hot = feats.assign(**{"macro:ipca_core_ms_12m": [5.0, 5.5]})
    cold = feats.assign(**{"macro:ipca_core_ms_12m": [2.0, 2.5]})
    agree = InflationAgent().run(replace(inputs, features=hot), D)
    disagree = InflationAgent().run(replace(inputs, features=cold), D)
    assert agree.diagnostics["cores_12m_pct"] == {"ipca_core_ms": 5.5}
    assert signals(agree)["br_inflation_vs_target"].confidence > base
    assert signals(disagree)["br_inflation_vs_target"].confidence < base
    # A feature for an older month than the latest IPCA is not used for it.
    old = InflationAgent().run(replace(inputs, features=feats.iloc[:1]), D)
    assert old.diagnostics["ipca_12m_source"] == "computed from bcb_sgs__433"


def test_missing_optional_inputs_degrade_without_raising():
    bare = InflationInputs(ipca_mom=economy().ipca_mom, missing=(FOCUS, IBC_BR))
    report = InflationAgent().run(bare, D)
    s = signals(report)
    assert s["br_inflation_vs_target"].confidence == 0.0  # no target
    assert s["br_inflation_vs_target"].rationale == "no target"
    assert s["br_inflation_vs_focus"].confidence == 0.0
    assert s["us_inflation"].confidence == 0.0
    assert s["br_inflation_momentum"].confidence > 0  # SA momentum needs IPCA only
    p = report.diagnostics["phillips_curve"]
    assert p["regressors_used"] == ["lagged_inflation"]
    assert p["regressors_dropped"] == ["expectations", "output_gap", "fx_change"]
    assert report.diagnostics["inputs_not_found"] == [FOCUS, IBC_BR]
    assert any(r.startswith("inputs not found: bcb_focus") for r in report.risks)
    assert "inflation target" in report.diagnostics["missing"]


def test_short_history_gives_the_12m_view_only():
    short = replace(economy(level=0.75), ipca_mom=economy(level=0.75).ipca_mom.iloc[-14:])
    report = InflationAgent().run(short, D)
    s = signals(report)
    assert s["br_inflation_vs_target"].direction == 1
    assert s["br_inflation_momentum"].confidence == 0.0
    assert report.diagnostics["phillips_curve"] is None
    assert (
        "Phillips curve (under 3 years of IPCA for seasonal factors)"
        in (report.diagnostics["missing"])
    )
    tiny = replace(short, ipca_mom=short.ipca_mom.iloc[-5:])
    assert InflationAgent().run(tiny, D).diagnostics["ipca_12m_pct"] is None


def test_stale_inputs_lower_confidence():
    inputs = economy(level=0.75)
    fresh = signals(InflationAgent().run(inputs, D))
    late = D + timedelta(days=60)  # no IPCA for June or July: data 88 days old
    stale = signals(InflationAgent().run(inputs, late))
    for sid in ("br_inflation_vs_target", "br_inflation_momentum"):
        assert stale[sid].confidence < fresh[sid].confidence
    assert stale["br_inflation_vs_focus"].confidence == 0.0  # last Focus 2 months old
    # Focus ending half a year early: the curve drops expectations and says so.
    cut = replace(inputs, focus_12m=inputs.focus_12m[:"2023-12-31"])
    report = InflationAgent().run(cut, D)
    assert report.diagnostics["phillips_curve"]["regressors_dropped"] == ["expectations"]
    assert signals(report)["br_inflation_vs_focus"].rationale == "inputs too stale to use"
    assert any(r.startswith("Focus stale: last survey 2023-12-29") for r in report.risks)


def test_us_inflation_against_two_percent():
    idx = pd.DatetimeIndex(["2024-03-01", "2024-04-01"])
    feats = pd.DataFrame(
        {"macro:us_core_pce_12m": [3.0, 2.9], "macro:us_core_cpi_3m_saar": [4.0, 3.5]}, index=idx
    )
    us = signals(InflationAgent().run(replace(economy(), features=feats), D))["us_inflation"]
    assert (us.direction, us.horizon) == (1, "12m")
    assert_allclose(us.strength, 0.45)
    assert_allclose(us.confidence, 0.8)  # core PCE, fresh, and the 3m pace agrees
    assert us.rationale == "US core PCE 12m 2.90% − Fed goal 2.00% = +0.90 pp"
    cpi = feats.rename(columns={"macro:us_core_pce_12m": "macro:us_cpi_12m"}) - 1.8
    us = signals(InflationAgent().run(replace(economy(), features=cpi), D))["us_inflation"]
    assert (us.direction, us.confidence) == (-1, 0.6)  # CPI: 0.5, plus 0.1 as the pace agrees


@pytest.mark.parametrize(
    ("params", "match"),
    [
        pytest.param({"neutral_band_pp": -0.1}, "neutral bands must be >= 0", id="band"),
        pytest.param({"min_obs": 5}, "min_obs must be at least 6, got 5", id="min-obs"),
        pytest.param(
            {"window_months": 30}, r"window_months \(30\) must be >= min_obs \(36\)", id="window"
        ),
    ],
)
def test_bad_parameters_raise(params, match):
    agent = InflationAgent(**params)
    assert all(getattr(agent, k) == v for k, v in params.items())  # stored as given
    with pytest.raises(ValueError, match=match):
        agent.run(economy(), D)


def test_no_look_ahead_later_rows_leave_the_report_unchanged():
    inputs = economy(level=0.5)
    base = InflationAgent().run(inputs, D).to_json()
    later = economy(level=3.0, first="2024-07", last="2025-06", seed=9)
    shifted = lambda s, extra: pd.concat([s, extra[extra.index > pd.Timestamp(D)]])  # noqa: E731
    future_feats = pd.DataFrame(
        {"macro:ipca_12m": [50.0], "macro:us_core_pce_12m": [9.0]},
        index=pd.DatetimeIndex(["2024-07-01"]),
    )
    appended = InflationInputs(
        ipca_mom=pd.concat([inputs.ipca_mom, later.ipca_mom]),  # July 2024 on
        target=TARGET,
        focus_12m=shifted(inputs.focus_12m, later.focus_12m + 10),
        activity=pd.concat([inputs.activity, later.activity * 2]),
        usdbrl=shifted(inputs.usdbrl, later.usdbrl * 3),
        features=future_feats,
    )
    assert appended.ipca_mom.index.max() > pd.Timestamp(D)
    assert InflationAgent().run(appended, D).to_json() == base


# --- load_inputs without a database -----------------------------------------------------------


class FakeLoader:
    """The PointInTimeLoader contract on in-memory series: a ValueError names missing columns."""

    def __init__(self, data: dict[str, pd.Series]) -> None:
        self.data = data
        self.calls: list[list[str]] = []

    def load(self, columns, start, end, as_of):
        self.calls.append(list(columns))
        missing = [c for c in columns if c not in self.data]
        if missing:
            raise ValueError(f"no data known for {', '.join(missing)}")
        frame = pd.concat({c: self.data[c][str(start) : str(end)] for c in columns}, axis=1)
        # The end of 24 June 2021 in São Paulo, when CMN set 2024's target.
        frame.attrs["known_at"] = {c: pd.Timestamp("2021-06-25T03:00Z") for c in columns}
        return frame


def test_load_inputs_degrades_on_missing_optional_columns():
    e = economy()
    data = {
        IPCA: e.ipca_mom,
        "bcb_ptax__USD": e.usdbrl,  # no SGS 1: the PTAX bulletin stands in
        IBC_BR: e.activity,
        "macro:ipca_12m": pd.Series([3.9], index=pd.DatetimeIndex(["2024-05-01"])),
    }
    inputs = load_inputs(FakeLoader(data), D)
    assert_series_equal(inputs.ipca_mom, e.ipca_mom["2008-01-01":], check_names=False)
    assert_series_equal(inputs.usdbrl.dropna(), e.usdbrl, check_names=False, check_freq=False)
    assert inputs.focus_12m is None
    assert list(inputs.features.columns) == ["macro:ipca_12m"]
    assert FOCUS in inputs.missing and "bcb_sgs__1" in inputs.missing
    assert "macro:ipca_core_ms_12m" in inputs.missing
    # No band feature: the catalog's CMN decision for 2024.
    assert (inputs.target.target_pct, inputs.target.tolerance_pp) == (3.0, 1.5)
    report = InflationAgent().run(inputs, D)
    assert report.diagnostics["ipca_12m_pct"] == 3.9


def test_load_inputs_reads_the_target_band_feature():
    e = economy()
    jan = pd.DatetimeIndex(["2024-01-01"])
    data = {
        IPCA: e.ipca_mom,
        "macro:inflation_target": pd.Series([3.0], index=jan),
        "macro:inflation_target_upper": pd.Series([4.5], index=jan),
    }
    inputs = load_inputs(FakeLoader(data), D)
    assert inputs.target == TARGET  # the catalog entry, decision day and all
    with pytest.raises(ValueError, match="no data known for bcb_sgs__433"):
        load_inputs(FakeLoader({}), D)


# --- real data --------------------------------------------------------------------------------

MONTH_ENDS = [d.date() for d in pd.date_range("2012-01-31", "2023-12-31", freq="ME")]


@pytest.fixture(scope="module")
def real_reports(real_gold_engine) -> dict[date, AgentReport]:
    from macro_models.pit import PointInTimeLoader

    loader = PointInTimeLoader(real_gold_engine)
    agent = InflationAgent()
    return {d: agent.run(load_inputs(loader, d), d) for d in MONTH_ENDS}


def _directions(reports, signal_id, first, last):
    return {
        d: signals(r)[signal_id].direction
        for d, r in reports.items()
        if date.fromisoformat(first) <= d <= date.fromisoformat(last)
    }


@pytest.mark.slow
def test_real_data_every_month_end_2012_2023(real_reports):
    assert len(real_reports) == 144
    for d, report in real_reports.items():
        assert report.as_of_date == d
        assert [s.signal_id for s in report.signals] == SIGNALS
        assert report.diagnostics["ipca_12m_pct"] is not None
        json.dumps(report.to_json())
    # The curve needs three years of seasonal factors (IPCA from 2010): from 2017 it is there.
    fitted = [d for d, r in real_reports.items() if r.diagnostics["phillips_curve"]]
    assert fitted[0] == date(2017, 3, 31) and fitted[-1] == date(2023, 12, 31)
    assert len(fitted) == 82
    # Focus ends in November 2022: in 2023 the view against it has no confidence.
    assert all(
        signals(real_reports[d])["br_inflation_vs_focus"].confidence == 0.0
        for d in MONTH_ENDS[-10:]
    )
    assert (
        "expectations"
        in real_reports[date(2023, 6, 30)].diagnostics["phillips_curve"]["regressors_dropped"]
    )


@pytest.mark.slow
def test_real_data_episodes(real_reports):
    # 2015: IPCA heads for 10.7 %, far above the 4.5 ± 2 % band: hawkish all year.
    assert set(
        _directions(real_reports, "br_inflation_vs_target", "2015-02-01", "2015-12-31").values()
    ) == {1}
    dec15 = real_reports[date(2015, 12, 31)]
    assert dec15.diagnostics["band_position"] == "above the band"
    assert_allclose(dec15.diagnostics["ipca_12m_pct"], 10.48, atol=0.01)  # Nov 2015, IBGE
    # 2017 H2: IPCA under 3 %, below the band's 3 % floor: dovish, and the curve agrees.
    for sid in ("br_inflation_vs_target", "br_inflation_forecast_vs_target"):
        assert set(_directions(real_reports, sid, "2017-07-01", "2017-12-31").values()) == {-1}
    assert real_reports[date(2017, 9, 30)].diagnostics["band_position"] == "below the band"
    # Mid-2020: COVID disinflation, IPCA near 2 % against a 4 % target.
    for sid in ("br_inflation_vs_target", "br_inflation_momentum"):
        assert set(_directions(real_reports, sid, "2020-05-01", "2020-08-31").values()) == {-1}
    # 2021-22: above the band, hawkish; the Phillips forecast sat above target through 2021.
    assert set(
        _directions(real_reports, "br_inflation_vs_target", "2021-04-01", "2022-12-31").values()
    ) == {1}
    assert set(
        _directions(
            real_reports, "br_inflation_forecast_vs_target", "2021-01-01", "2021-12-31"
        ).values()
    ) == {1}
    assert all(
        real_reports[d].diagnostics["band_position"] == "above the band"
        for d in MONTH_ENDS
        if date(2021, 5, 1) <= d <= date(2022, 12, 31)
    )
    # US inflation: hawkish from mid-2021 to the end of 2023, dovish in 2015.
    assert set(_directions(real_reports, "us_inflation", "2021-06-01", "2023-12-31").values()) == {
        1
    }
    assert set(_directions(real_reports, "us_inflation", "2015-01-01", "2015-12-31").values()) == {
        -1
    }


@pytest.mark.slow
def test_real_seasonal_adjustment_matches_the_gold_feature(real_gold_engine):
    with real_gold_engine.connect() as conn:
        rows = pd.read_sql(
            "select series_id as id, observation_date as d, value from gold.fct_observations "
            "where series_id = 'bcb_sgs__433' and is_latest_vintage "
            "union all select feature_id, observation_date, value from gold.fct_macro_features "
            "where feature_id = 'ipca_mom_sa' and is_latest_vintage",
            conn,
        )
    wide = rows.pivot(index="d", columns="id", values="value")
    wide.index = pd.DatetimeIndex(wide.index)
    mine = seasonally_adjust(to_monthly(wide[IPCA]))["sa"]
    gold = to_monthly(wide["ipca_mom_sa"])
    assert mine.first_valid_index() == gold.index[0]
    assert_allclose(mine[gold.index], gold, atol=1e-8)


@pytest.mark.slow
def test_real_no_look_ahead(real_gold_engine):
    from macro_models.pit import PointInTimeLoader

    loader = PointInTimeLoader(real_gold_engine)
    d = date(2021, 6, 30)
    at_d = load_inputs(loader, d)
    later = load_inputs(loader, date(2022, 6, 30))
    after = pd.Timestamp(d)

    def plus(a, b):
        return pd.concat([a, b[b.index > after]])

    appended = replace(
        at_d,
        ipca_mom=plus(at_d.ipca_mom, later.ipca_mom),
        focus_12m=plus(at_d.focus_12m, later.focus_12m),
        activity=plus(at_d.activity, later.activity),
        usdbrl=plus(at_d.usdbrl, later.usdbrl),
        features=plus(at_d.features, later.features),
    )
    assert_frame_equal(appended.features[: str(d)], at_d.features)
    assert InflationAgent().run(appended, d).to_json() == InflationAgent().run(at_d, d).to_json()
