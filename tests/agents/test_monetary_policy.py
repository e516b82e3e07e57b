"""The monetary-policy agent on tiny hand-built series (no database): model and references."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.agents.monetary_policy import (
    BR_SIGNAL,
    US_SIGNAL,
    TaylorRuleAgent,
    ipca_12m,
    output_gap,
    taylor_rate,
)
from macro_models.agents.report import AgentReport
from macro_models.catalog import inflation_targets
from macro_models.catalog.inflation_targets import InflationTarget, target_for

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bcb_sgs"
TARGET = InflationTarget(year=2024, target_pct=3.0, tolerance_pp=1.5, decided_on=date(2021, 6, 24))
AS_OF = date(2024, 2, 20)


def monthly(values: list[float], first: str = "2023-01-01") -> pd.Series:
    """Monthly % changes dated on the first of each month, as SGS dates them."""
    return pd.Series(values, index=pd.date_range(first, periods=len(values), freq="MS"))


def flat_ipca() -> pd.Series:
    """Twelve months of 0 %: the 12-month IPCA is 0, so the rule rate is easy to work out."""
    return monthly([0.0] * 12)


def selic(value: float) -> pd.Series:
    return pd.Series([value], index=pd.DatetimeIndex([pd.Timestamp(2024, 2, 19)]))


# --- ipca_12m -----------------------------------------------------------------------------


def test_ipca_12m_reproduces_ibge_2023():
    # IBGE published 2023's IPCA as 4.62 %; these are SGS 433's twelve 2023 monthly changes.
    rows = json.loads((FIXTURES / "bcb_sgs__433_2023.json").read_text())
    series = pd.Series(
        [float(r["valor"]) for r in rows],
        index=pd.to_datetime([r["data"] for r in rows], format="%d/%m/%Y"),
    )
    assert len(series) == 12
    assert_allclose(ipca_12m(series), 4.62, atol=0.01)


def test_ipca_12m_compounds_rather_than_sums():
    assert_allclose(ipca_12m(monthly([1.0] * 12)), (1.01**12 - 1) * 100)  # 12.68, not 12


def test_ipca_12m_uses_only_the_last_twelve_months_in_date_order():
    s = monthly([5.0] + [0.5] * 12, first="2022-12-01")  # a huge month 13 months ago
    shuffled = s.sample(frac=1.0, random_state=0)
    assert_allclose(ipca_12m(shuffled), (1.005**12 - 1) * 100)


def test_ipca_12m_ignores_nan_rows_of_a_wide_frame():
    s = monthly([0.5] * 12)
    wide = pd.concat([s, pd.Series(np.nan, index=s.index + pd.Timedelta(days=14))]).sort_index()
    assert_allclose(ipca_12m(wide), ipca_12m(s))


@pytest.mark.parametrize(
    ("series", "match"),
    [
        pytest.param(monthly([0.4] * 11), r"needs 12 monthly values, got 11", id="11-months"),
        pytest.param(monthly([]), r"needs 12 monthly values, got 0", id="empty"),
        pytest.param(
            monthly([0.4] * 11 + [np.nan]), r"needs 12 monthly values, got 11", id="trailing-nan"
        ),
        pytest.param(
            monthly([0.4] * 13).drop(pd.Timestamp("2023-06-01")),
            r"not contiguous: 2023-01\.\.2024-01",
            id="gap",
        ),
        pytest.param(
            # Twelve values ending in twelve months' span, but June twice and November missing.
            pd.concat(
                [monthly([0.4] * 12).drop(pd.Timestamp("2023-11-01")), monthly([0.4], "2023-06-15")]
            ),
            r"not contiguous",
            id="duplicate-month-hides-a-gap",
        ),
    ],
)
def test_ipca_12m_rejects_short_or_gappy_input(series, match):
    with pytest.raises(ValueError, match=match):
        ipca_12m(series)


# --- the rule -----------------------------------------------------------------------------


def test_rule_rate_reproduces_taylor_1993():
    # Taylor (1993): i = π + 0.5·y + 0.5·(π − 2) + 2.
    taylor = TaylorRuleAgent(neutral_real_rate=2.0, inflation_weight=0.5, gap_weight=0.5)
    assert_allclose(taylor.rule_rate(inflation=2.0, target=2.0, output_gap=0.0), 4.0)
    assert_allclose(taylor.rule_rate(inflation=4.0, target=2.0, output_gap=0.0), 7.0)
    assert_allclose(taylor.rule_rate(inflation=2.0, target=2.0, output_gap=-2.0), 3.0)


def test_parameters_are_stored_as_given():
    agent = TaylorRuleAgent(neutral_real_rate=5.0, inflation_weight=1.0, gap_weight=0.25)
    assert (agent.neutral_real_rate, agent.inflation_weight, agent.gap_weight) == (5.0, 1.0, 0.25)
    assert agent.neutral_band == 1.0


# The default rule with 0 % inflation and a 3 % target: 4.5 + 0 + 0.5·(0 − 3) = 3.0 %.
@pytest.mark.parametrize(
    ("selic_pct", "direction", "strength"),
    [
        pytest.param(9.0, -1, 1.0, id="far-above-dovish-capped"),
        pytest.param(5.0, -1, 2 / 3, id="above-dovish"),
        pytest.param(4.0, -1, 1 / 3, id="band-edge-is-not-neutral"),
        pytest.param(3.5, 0, 1 / 6, id="within-band-above"),
        pytest.param(3.0, 0, 0.0, id="on-the-rule"),
        pytest.param(2.5, 0, 1 / 6, id="within-band-below"),
        pytest.param(1.0, 1, 2 / 3, id="below-hawkish"),
        pytest.param(-20.0, 1, 1.0, id="far-below-hawkish-capped"),
    ],
)
def test_direction_and_strength(selic_pct, direction, strength):
    report = TaylorRuleAgent().run(selic(selic_pct), flat_ipca(), TARGET, AS_OF)
    signal = report.signals[0]
    assert signal.signal_id == BR_SIGNAL
    assert report.diagnostics["taylor_rate_pct"] == 3.0
    assert_allclose(report.diagnostics["policy_gap_pp"], selic_pct - 3.0)
    assert signal.direction == direction
    assert_allclose(signal.strength, strength, atol=1e-4)
    assert 0.0 <= signal.strength <= 1.0
    word = {1: "hawkish", -1: "dovish", 0: "neutral"}[direction]
    assert report.headline.endswith(word)


def test_wider_band_turns_a_view_neutral():
    assert TaylorRuleAgent().run(selic(5.0), flat_ipca(), TARGET, AS_OF).signals[0].direction == -1
    wide = TaylorRuleAgent(neutral_band=2.5).run(selic(5.0), flat_ipca(), TARGET, AS_OF)
    assert wide.signals[0].direction == 0


def test_report_fields():
    report = TaylorRuleAgent().run(selic(10.5), monthly([0.4] * 12), TARGET, AS_OF)
    assert isinstance(report, AgentReport)
    assert report.agent_id == "monetary_policy"
    assert report.as_of_date == AS_OF
    assert report.headline
    assert [s.signal_id for s in report.signals] == [
        "br_policy_vs_taylor",
        "us_policy_vs_taylor",
        "br_market_vs_focus_path",
        "br_policy_surprise",
    ]
    # Without US, DI1 and Focus inputs those views are empty rather than invented.
    assert all(s.confidence == 0.0 and s.direction == 0 for s in report.signals[1:])
    assert report.signals[0].horizon == "3m"
    assert 0.0 <= report.signals[0].confidence <= 1.0
    assert set(report.diagnostics) == {
        "selic_pct",
        "selic_observation_date",
        "ipca_12m_pct",
        "ipca_last_month",
        "inflation_target_pct",
        "taylor_rate_pct",
        "policy_gap_pp",
        "output_gap_pct",
        "ibc_br_last_month",
        "focus_ipca_12m_pct",
        "taylor_rate_focus_pct",
        "br_rule_inflation",
        "us",
        "policy_path",
        "missing_inputs",
        "params",
    }
    d = report.diagnostics
    assert d["selic_pct"] == 10.5
    assert d["selic_observation_date"] == "2024-02-19"
    assert d["ipca_last_month"] == "2023-12-01"
    assert d["inflation_target_pct"] == 3.0
    assert_allclose(d["ipca_12m_pct"], (1.004**12 - 1) * 100, atol=1e-4)
    assert_allclose(d["taylor_rate_pct"], 4.5 + d["ipca_12m_pct"] * 1.5 - 1.5, atol=1e-3)
    assert d["params"] == {
        "neutral_real_rate": 4.5,
        "inflation_weight": 0.5,
        "gap_weight": 0.5,
        "neutral_band": 1.0,
        "us_neutral_real_rate": 0.5,
        "us_inflation_target": 2.0,
        "nairu": 4.5,
        "okun_coefficient": 2.0,
        "hp_lambda": 129600.0,
        "use_expectations": True,
    }
    assert d["missing_inputs"] == [
        "ibc_br",
        "focus_ipca_12m",
        "fed_funds",
        "us_core_inflation_12m",
        "unemployment",
        "di1",
    ]
    assert (d["output_gap_pct"], d["us"], d["br_rule_inflation"]) == (None, None, "realised")
    # 12-month IPCA of 4.91 % is 1.91 pp above the 3 % target: outside the ±1.5 pp band.
    assert report.risks[-1] == "inflation outside the ±1.5 pp tolerance band"
    inside = TaylorRuleAgent().run(selic(10.5), monthly([0.3] * 12), TARGET, AS_OF)
    assert inside.risks[-1] == "inflation within the tolerance band"
    out = json.loads(json.dumps(report.to_json()))
    assert out["as_of_date"] == "2024-02-20"
    assert out["signals"][0]["signal_id"] == "br_policy_vs_taylor"


def test_uses_the_last_known_selic_of_a_wide_frame():
    s = pd.Series(
        [13.75, np.nan, 13.25],
        index=pd.DatetimeIndex(["2024-02-01", "2024-02-19", "2024-02-10"]),
    )
    d = TaylorRuleAgent().run(s, flat_ipca(), TARGET, AS_OF).diagnostics
    assert (d["selic_pct"], d["selic_observation_date"]) == (13.25, "2024-02-10")


def test_stale_inflation_lowers_confidence():
    agent = TaylorRuleAgent()
    early = pd.Series([5.0], index=pd.DatetimeIndex(["2024-01-05"]))
    fresh = agent.run(early, flat_ipca(), TARGET, date(2024, 1, 10)).signals[0]
    stale = agent.run(early, flat_ipca(), TARGET, date(2024, 2, 9)).signals[0]
    assert fresh.confidence == 0.7  # December's IPCA 40 days old: as fresh as it gets
    assert_allclose(stale.confidence, 0.45)  # 70 days: 25 days past the 45-day grace
    ancient = agent.run(selic(5.0), flat_ipca(), TARGET, date(2026, 1, 1)).signals[0]
    assert ancient.confidence == 0.2


@pytest.mark.parametrize(
    ("selic_series", "ipca", "match"),
    [
        pytest.param(pd.Series(dtype=float), flat_ipca(), "no Selic target known", id="no-selic"),
        pytest.param(
            pd.Series([np.nan], index=pd.DatetimeIndex(["2024-02-19"])),
            flat_ipca(),
            "no Selic target known",
            id="only-nan-selic",
        ),
        pytest.param(selic(10.0), monthly([0.4] * 6), "needs 12 monthly values", id="short-ipca"),
    ],
)
def test_run_rejects_missing_inputs(selic_series, ipca, match):
    with pytest.raises(ValueError, match=match):
        TaylorRuleAgent().run(selic_series, ipca, TARGET, AS_OF)


# --- inflation targets --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "target", "tolerance"),
    [
        pytest.param(date(2016, 7, 1), 4.50, 2.0, id="2016"),
        pytest.param(date(2019, 3, 1), 4.25, 1.5, id="2019"),
        pytest.param(date(2022, 12, 31), 3.50, 1.5, id="2022"),
        pytest.param(date(2023, 1, 1), 3.25, 1.5, id="2023-first-day"),
        pytest.param(date(2023, 6, 30), 3.25, 1.5, id="2023"),
        pytest.param(date(2024, 12, 27), 3.00, 1.5, id="2024"),
    ],
)
def test_target_for_matches_cmn_resolutions(day, target, tolerance):
    t = target_for(day)
    assert (t.year, t.target_pct, t.tolerance_pp) == (day.year, target, tolerance)
    assert t.decided_on <= day


def test_target_for_a_year_without_a_decision_raises():
    with pytest.raises(ValueError, match=r"no inflation target for 2028 decided by 2028-01-01"):
        target_for(date(2028, 1, 1))
    with pytest.raises(ValueError, match=r"no inflation target for 2011"):
        target_for(date(2011, 6, 1))


def test_every_target_was_decided_before_its_year_began():
    # CMN sets each target years ahead, so a year's own target is always known inside that year.
    for year, t in inflation_targets._targets().items():
        assert t.year == year
        assert t.decided_on < date(year, 1, 1), t


@pytest.fixture
def targets_csv(tmp_path, monkeypatch):
    """A hand-written targets file in place of the catalog's (the loader is cached: cleared)."""
    path = tmp_path / "inflation_targets.csv"
    path.write_text(
        "year,target_pct,tolerance_pp,decided_on\n"
        "2030,3.00,1.5,2027-06-24\n"
        "2031,2.75,1.5,2031-03-15\n"  # a (hypothetical) decision taken inside its own year
    )
    monkeypatch.setattr(inflation_targets, "PATH", path)
    inflation_targets._targets.cache_clear()
    yield path
    inflation_targets._targets.cache_clear()


def test_target_not_yet_decided_on_the_date_raises(targets_csv):
    assert target_for(date(2030, 1, 2)).target_pct == 3.00
    with pytest.raises(ValueError, match=r"no inflation target for 2031 decided by 2031-03-14"):
        target_for(date(2031, 3, 14))
    t = target_for(date(2031, 3, 15))  # decided that day: known by the end of it
    assert (t.target_pct, t.decided_on) == (2.75, date(2031, 3, 15))


# --- output gap ---------------------------------------------------------------------------


def activity(n: int = 120, growth: float = 0.002, seasonal: bool = False) -> pd.Series:
    """A monthly index growing at ``growth`` log points a month, optionally with seasonality."""
    pattern = np.tile([0, -3, 4, 1, 0, -1, 2, 1, 0, 1, -2, -3], n // 12 + 1)[:n] if seasonal else 0
    log_level = np.arange(n) * growth + pattern / 100
    return pd.Series(np.exp(log_level), index=pd.date_range("2014-01-01", periods=n, freq="MS"))


def test_output_gap_of_a_steady_trend_is_zero():
    assert_allclose(output_gap(activity()), 0.0, atol=1e-6)
    # A fixed seasonal pattern is removed, not mistaken for a gap.
    assert_allclose(output_gap(activity(seasonal=True)), 0.0, atol=0.05)
    assert abs(output_gap(activity(seasonal=True), deseasonalise=False)) > 2.0


def test_output_gap_with_stiff_trend_is_the_linear_regression_residual():
    # Reference: as λ → ∞ the HP trend becomes the OLS line (Hodrick and Prescott 1997).
    y = activity(60)
    y.iloc[-1] *= 0.97
    x = 100 * np.log(y.to_numpy())
    t = np.arange(len(x))
    slope, intercept = np.polyfit(t, x, 1)
    expected = x[-1] - (intercept + slope * t[-1])
    assert_allclose(output_gap(y, lamb=1e12, deseasonalise=False), expected, atol=1e-3)


def test_output_gap_is_one_sided():
    # The gap for a month uses no later month: the end point of the filter on the history.
    y = activity(100, seasonal=True)
    y.iloc[80] *= 0.95
    assert_allclose(output_gap(y.iloc[:81]), output_gap(y.iloc[:81].copy()))
    assert output_gap(y.iloc[:81]) < -3.0  # the slump, seen at the time
    assert output_gap(y, window=120) != output_gap(y.iloc[:81])


def test_output_gap_needs_history():
    with pytest.raises(ValueError, match="at least 24 months, got 12"):
        output_gap(activity(12))


# --- rules --------------------------------------------------------------------------------


def test_taylor_rate_function_reproduces_taylor_1993():
    assert_allclose(taylor_rate(2.0, 2.0, 2.0, 0.0), 4.0)
    assert_allclose(taylor_rate(2.0, 3.0, 2.0, 1.0), 2 + 3 + 0.5 + 0.5)


def test_us_rule_with_okun_gap():
    fed = TaylorRuleAgent(us_neutral_real_rate=2.0)
    # Taylor (1993) with unemployment at NAIRU (gap 0) and 2 % inflation: 4 %.
    assert_allclose(fed.us_rule_rate(inflation=2.0, unemployment=4.5), 4.0)
    # One point of extra unemployment is a −2 % gap (Okun): half of it off the rate.
    assert_allclose(fed.us_rule_rate(inflation=2.0, unemployment=5.5), 3.0)
    # By hand, mid-2022: core PCE 5.0 %, unemployment 3.6 %, r* 0.5 %:
    # 0.5 + 5.0 + 0.5·3.0 + 0.5·(−2·(3.6 − 4.5)) = 7.9 %.
    assert_allclose(TaylorRuleAgent().us_rule_rate(inflation=5.0, unemployment=3.6), 7.9)


def focus(value: float, last: str = "2024-02-16") -> pd.Series:
    return pd.Series([value], index=pd.DatetimeIndex([last]))


def test_focus_expectations_drive_the_brazilian_rule():
    agent = TaylorRuleAgent()
    # Realised 0 %: rule 3.0 %; Focus 5 %: rule 4.5 + 5 + 0.5·2 = 10.5 %.
    report = agent.run(selic(10.5), flat_ipca(), TARGET, AS_OF, focus_ipca_12m=focus(5.0))
    d = report.diagnostics
    assert (d["taylor_rate_pct"], d["taylor_rate_focus_pct"]) == (3.0, 10.5)
    assert d["br_rule_inflation"] == "focus"
    assert report.signals[0].direction == 0
    plain = agent.run(selic(10.5), flat_ipca(), TARGET, AS_OF).signals[0]
    assert_allclose(report.signals[0].confidence - plain.confidence, 0.1)  # expectations used
    realised = TaylorRuleAgent(use_expectations=False).run(
        selic(10.5), flat_ipca(), TARGET, AS_OF, focus_ipca_12m=focus(5.0)
    )
    assert realised.diagnostics["br_rule_inflation"] == "realised"
    assert realised.signals[0].direction == -1


def test_stale_focus_is_not_used():
    report = TaylorRuleAgent().run(
        selic(10.5), flat_ipca(), TARGET, AS_OF, focus_ipca_12m=focus(5.0, "2024-01-05")
    )
    assert report.diagnostics["br_rule_inflation"] == "realised"
    assert "focus_ipca_12m" in report.diagnostics["missing_inputs"]


def test_output_gap_enters_the_rule():
    y = activity(60)
    y.index = pd.date_range("2019-01-01", periods=60, freq="MS")  # last month 2023-12
    y.iloc[-1] *= 0.96
    report = TaylorRuleAgent().run(selic(3.0), flat_ipca(), TARGET, AS_OF, ibc_br=y)
    d = report.diagnostics
    assert d["ibc_br_last_month"] == "2023-12-01"
    assert_allclose(d["output_gap_pct"], output_gap(y), atol=1e-4)
    assert_allclose(d["taylor_rate_pct"], 3.0 + 0.5 * output_gap(y), atol=1e-3)
    plain = TaylorRuleAgent().run(selic(3.0), flat_ipca(), TARGET, AS_OF).signals[0]
    assert_allclose(report.signals[0].confidence - plain.confidence, 0.1)  # gap estimated


def us_inputs() -> dict[str, pd.Series]:
    return {
        "fed_funds": pd.Series([5.33], index=pd.DatetimeIndex(["2024-02-16"])),
        "us_core_inflation_12m": pd.Series([2.9], index=pd.DatetimeIndex(["2023-12-01"])),
        "unemployment": pd.Series([3.7], index=pd.DatetimeIndex(["2024-01-01"])),
    }


def test_us_signal():
    report = TaylorRuleAgent().run(selic(3.0), flat_ipca(), TARGET, AS_OF, **us_inputs())
    us = report.signals[1]
    # 0.5 + 2.9 + 0.5·0.9 + 0.5·(−2·(3.7 − 4.5)) = 4.65; fed funds 5.33 is 0.68 above: neutral.
    assert us.signal_id == US_SIGNAL
    assert_allclose(report.diagnostics["us"]["taylor_rate_pct"], 4.65)
    assert_allclose(report.diagnostics["us"]["policy_gap_pp"], 0.68)
    # December's core PCE is 81 days old on the date: 6 days past the 75-day grace.
    assert (us.direction, us.confidence) == (0, 0.64)
    assert "fed funds 5.33% vs rule 4.65%" in report.headline
    tight = TaylorRuleAgent(neutral_band=0.5).run(
        selic(3.0), flat_ipca(), TARGET, AS_OF, **us_inputs()
    )
    assert tight.signals[1].direction == -1
    no_u = {**us_inputs(), "unemployment": None}
    degraded = TaylorRuleAgent().run(selic(3.0), flat_ipca(), TARGET, AS_OF, **no_u).signals[1]
    assert_allclose(degraded.confidence, 0.44)  # no Okun gap


@pytest.mark.parametrize(
    ("params", "match"),
    [
        pytest.param({"neutral_band": -1.0}, "neutral_band must be non-negative", id="band"),
        pytest.param({"hp_lambda": 0.0}, "hp_lambda must be positive", id="lambda"),
        pytest.param({"okun_coefficient": -2.0}, "okun_coefficient must be non-neg", id="okun"),
    ],
)
def test_bad_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        TaylorRuleAgent(**params).run(selic(3.0), flat_ipca(), TARGET, AS_OF)


# --- no look-ahead ------------------------------------------------------------------------


def full_inputs() -> dict:
    y = activity(60)
    y.index = pd.date_range("2019-01-01", periods=60, freq="MS")
    di1 = pd.DataFrame(
        {"di1:21": [10.4, 10.5], "di1:63": [10.5, 10.6], "di1:252": [11.0, 11.4]},
        index=pd.DatetimeIndex(["2024-02-09", "2024-02-16"]),
    )
    return {
        "selic": selic(10.5),
        "ipca_monthly": monthly([0.4] * 12),
        "target": TARGET,
        "ibc_br": y,
        "focus_ipca_12m": focus(4.0),
        "di1": di1,
        "focus_selic": pd.Series(
            [10.0, 10.25], index=pd.DatetimeIndex(["2024-02-09", "2024-02-16"])
        ),
        **us_inputs(),
    }


def later(series, rows: dict[str, float]):
    """``series`` with rows dated after AS_OF appended (wild values: any use would show)."""
    extra_index = pd.DatetimeIndex(list(rows))
    if isinstance(series, pd.DataFrame):
        extra = pd.DataFrame({c: list(rows.values()) for c in series}, index=extra_index)
    else:
        extra = pd.Series(list(rows.values()), index=extra_index)
    return pd.concat([series, extra])


def test_no_look_ahead_rows_after_the_date_change_nothing():
    before = TaylorRuleAgent().run(as_of=AS_OF, **full_inputs())
    inputs = full_inputs()
    future = {"2024-02-21": 99.0, "2024-03-01": -50.0, "2024-06-01": 77.0}
    for key, value in inputs.items():
        if key != "target":
            inputs[key] = later(value, future)
    after = TaylorRuleAgent().run(as_of=AS_OF, **inputs)
    assert after.to_json() == before.to_json()
    # Guard against a vacuous pass: a day later the new rows are seen.
    seen = TaylorRuleAgent().run(
        as_of=date(2024, 2, 21), **{**full_inputs(), "selic": inputs["selic"]}
    )
    assert seen.diagnostics["selic_pct"] == 99.0
    # And the full report did use every input.
    assert before.diagnostics["missing_inputs"] == []
    assert all(s.confidence > 0 for s in before.signals)
