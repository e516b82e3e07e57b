"""The Taylor-rule agent on tiny hand-built series (no database): pure model, reference checks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.agents.monetary_policy import TaylorRuleAgent, ipca_12m
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
    (signal,) = report.signals
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
    assert [s.signal_id for s in report.signals] == ["br_policy_rate_vs_taylor"]
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
    }
    # 12-month IPCA of 4.91 % is 1.91 pp above the 3 % target: outside the ±1.5 pp band.
    assert report.risks[-1] == "inflation outside the ±1.5 pp tolerance band"
    inside = TaylorRuleAgent().run(selic(10.5), monthly([0.3] * 12), TARGET, AS_OF)
    assert inside.risks[-1] == "inflation within the tolerance band"
    out = json.loads(json.dumps(report.to_json()))
    assert out["as_of_date"] == "2024-02-20"
    assert out["signals"][0]["signal_id"] == "br_policy_rate_vs_taylor"


def test_uses_the_last_known_selic_of_a_wide_frame():
    s = pd.Series(
        [13.75, np.nan, 13.25],
        index=pd.DatetimeIndex(["2024-02-01", "2024-02-19", "2024-02-10"]),
    )
    d = TaylorRuleAgent().run(s, flat_ipca(), TARGET, AS_OF).diagnostics
    assert (d["selic_pct"], d["selic_observation_date"]) == (13.25, "2024-02-10")


def test_stale_inflation_lowers_confidence():
    agent = TaylorRuleAgent()
    fresh = agent.run(selic(5.0), flat_ipca(), TARGET, date(2024, 1, 10)).signals[0]
    stale = agent.run(selic(5.0), flat_ipca(), TARGET, date(2024, 2, 9)).signals[0]
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
