"""The fiscal agent on tiny hand-built frames, plus a run over the real data (slow)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.agents.fiscal import (
    COLUMNS,
    GDP_12M,
    GDP_MONTHLY,
    GROSS_DEBT,
    PRIMARY_DEFICIT,
    SELIC,
    SIGNAL_ID,
    FiscalAgent,
    load_available,
    load_inputs,
    nominal_gdp_growth,
    project_debt,
    stabilising_primary,
)
from macro_models.agents.report import AgentReport

AS_OF = date(2024, 3, 28)


def monthly_gdp(growth_pct: float, last: str = "2023-12-01") -> pd.Series:
    """24 months of GDP: 100 a month for a year, then 100·(1 + g) a month."""
    idx = pd.date_range(end=last, periods=24, freq="MS")
    return pd.Series([100.0] * 12 + [100.0 * (1 + growth_pct / 100)] * 12, index=idx)


def inputs(selic=12.0, growth=8.0, debt=80.0, deficit=-1.0) -> pd.DataFrame:
    """A wide frame like the loader's: Selic daily, GDP monthly, fiscal features monthly."""
    parts = {GDP_MONTHLY: monthly_gdp(growth)}
    if selic is not None:
        parts[SELIC] = pd.Series([selic - 0.5, selic], index=pd.to_datetime(["2024-01-31", AS_OF]))
    if debt is not None:
        parts[GROSS_DEBT] = pd.Series(
            [debt - 1, debt],
            index=pd.to_datetime(["2024-01-01"] * 2) + pd.to_timedelta([-31, 0], unit="D"),
        )
    if deficit is not None:
        parts[PRIMARY_DEFICIT] = pd.Series([deficit], index=pd.to_datetime(["2024-01-01"]))
    return pd.DataFrame(parts).sort_index()


# --- debt arithmetic ------------------------------------------------------------------------


def closed_form(d0: float, r: float, g: float, pb: float, t: int) -> float:
    """d_t = a^t·d_0 − pb·(a^t − 1)/(a − 1), a = (1 + r)/(1 + g): the geometric sum by hand."""
    a = (1 + r / 100) / (1 + g / 100)
    return a**t * d0 - pb * (a**t - 1) / (a - 1)


@pytest.mark.parametrize(
    ("d0", "r", "g", "pb"),
    [
        pytest.param(70.0, 10.0, 6.0, 1.0, id="r>g-surplus"),
        pytest.param(90.0, 5.0, 9.0, -2.0, id="r<g-deficit"),
        pytest.param(50.0, 13.75, 2.0, 0.0, id="no-primary"),
    ],
)
def test_projection_matches_the_closed_form(d0, r, g, pb):
    path = project_debt(d0, r, g, pb, 10)
    assert path.shape == (11,)
    assert path[0] == d0
    assert_allclose(path, [closed_form(d0, r, g, pb, t) for t in range(11)], rtol=1e-12)


def test_projection_by_hand_one_year():
    # 80·1.12/1.08 − 1 = 81.96296...
    assert_allclose(project_debt(80.0, 12.0, 8.0, 1.0, 1), [80.0, 80 * 1.12 / 1.08 - 1])


def test_projection_with_r_equal_g_falls_by_the_surplus_each_year():
    assert_allclose(project_debt(60.0, 7.0, 7.0, 2.0, 5), [60, 58, 56, 54, 52, 50])


def test_stabilising_primary_by_hand_and_it_holds_the_ratio():
    pb_star = stabilising_primary(80.0, 12.0, 8.0)
    assert_allclose(pb_star, 80 * 0.04 / 1.08)  # 2.963 % of GDP
    assert_allclose(project_debt(80.0, 12.0, 8.0, pb_star, 10), np.full(11, 80.0))
    assert stabilising_primary(80.0, 5.0, 9.0) < 0  # r < g: a deficit is affordable


def test_projection_rejects_a_zero_horizon():
    with pytest.raises(ValueError, match="years must be at least 1, got 0"):
        project_debt(80.0, 12.0, 8.0, 1.0, 0)


# --- nominal GDP growth -----------------------------------------------------------------------


def test_growth_from_monthly_gdp():
    g, month = nominal_gdp_growth(monthly_gdp(8.0), pd.Series(dtype=float))
    assert_allclose(g, 8.0)
    assert month == "2023-12"


def test_growth_falls_back_on_the_12m_gdp_when_monthly_is_gappy():
    gappy = monthly_gdp(8.0).drop(pd.Timestamp("2023-05-01"))
    gdp12 = pd.Series([1000.0, 1100.0], index=pd.to_datetime(["2022-11-01", "2023-11-01"]))
    g, month = nominal_gdp_growth(gappy, gdp12)
    assert_allclose(g, 10.0)
    assert month == "2023-11"
    assert nominal_gdp_growth(gappy, gdp12.iloc[1:]) is None


# --- the report -------------------------------------------------------------------------------


def test_full_inputs_give_a_projection_and_a_rising_premium():
    report = FiscalAgent().run(inputs(), AS_OF)
    assert isinstance(report, AgentReport)
    assert report.agent_id == "fiscal"
    (signal,) = report.signals
    assert signal.signal_id == SIGNAL_ID == "br_fiscal_risk_premium_rising"
    assert "short BRL, pay long DI" in signal.rationale
    d = report.diagnostics
    assert d["missing_inputs"] == []
    assert (d["selic_pct"], d["gross_debt_pct_gdp"], d["primary_surplus_12m_pct_gdp"]) == (
        12.0,
        80.0,
        1.0,
    )
    pb_star = 80 * 0.04 / 1.08
    assert_allclose(d["stabilising_primary_pct_gdp"], pb_star, atol=1e-4)
    assert_allclose(d["primary_gap_pp"], pb_star - 1.0, atol=1e-4)  # 1.96 pp short
    assert (signal.direction, signal.confidence, signal.horizon) == (1, 0.6, "12m")
    assert_allclose(signal.strength, (pb_star - 1.0) / 3, atol=1e-4)
    proj = d["projection"]
    assert_allclose(
        proj["baseline"]["debt_path_pct_gdp"], project_debt(80, 12, 8, 1, 10), atol=1e-4
    )
    assert_allclose(
        proj["adjustment"]["debt_path_pct_gdp"], project_debt(80, 12, 8, 2.5, 10), atol=1e-4
    )
    assert_allclose(proj["stress"]["debt_path_pct_gdp"], project_debt(80, 15, 6, 0, 10), atol=1e-4)
    assert proj["stress"]["debt_path_pct_gdp"][-1] > proj["baseline"]["debt_path_pct_gdp"][-1]
    assert report.to_json()["signals"][0]["direction"] == 1


@pytest.mark.parametrize(
    ("deficit", "direction"),
    [
        pytest.param(-3.5, -1, id="surplus-above-pb*-premium-falls"),
        pytest.param(-2.9, 0, id="near-pb*-neutral"),
        pytest.param(1.0, 1, id="deficit-premium-rises"),
    ],
)
def test_direction_follows_the_primary_gap(deficit, direction):
    assert FiscalAgent().run(inputs(deficit=deficit), AS_OF).signals[0].direction == direction


def test_missing_debt_falls_back_on_r_minus_g_with_low_confidence():
    report = FiscalAgent().run(inputs(debt=None, deficit=None, selic=13.0, growth=3.0), AS_OF)
    d, (signal,) = report.diagnostics, report.signals
    assert d["missing_inputs"] == [
        f"gross debt ({GROSS_DEBT})",
        f"primary result ({PRIMARY_DEFICIT})",
    ]
    assert "projection" not in d
    assert_allclose(d["rate_growth_diff_pp"], 10.0)
    assert (signal.direction, signal.strength, signal.confidence) == (1, 1.0, 0.2)
    assert "missing input: gross debt" in report.risks[0]
    low = FiscalAgent().run(inputs(debt=None, deficit=None, selic=2.0, growth=12.0), AS_OF)
    assert low.signals[0].direction == -1


def test_missing_primary_is_taken_as_zero_and_said():
    report = FiscalAgent().run(inputs(deficit=None), AS_OF)
    assert report.diagnostics["missing_inputs"] == [f"primary result ({PRIMARY_DEFICIT})"]
    assert report.signals[0].confidence == 0.35
    assert_allclose(report.diagnostics["primary_gap_pp"], 80 * 0.04 / 1.08, atol=1e-4)


def test_no_rate_gives_a_neutral_report_not_an_error():
    report = FiscalAgent().run(inputs(selic=None), AS_OF)
    (signal,) = report.signals
    assert (signal.direction, signal.confidence) == (0, 0.0)
    assert report.diagnostics["missing_inputs"] == [f"Selic target ({SELIC})"]
    empty = FiscalAgent().run(pd.DataFrame(index=pd.DatetimeIndex([])), AS_OF)
    assert len(empty.diagnostics["missing_inputs"]) == 4


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"horizon_years": 3}, "horizon_years must be an integer >= 5", id="short"),
        pytest.param({"horizon_years": 7.5}, "horizon_years must be an integer", id="fraction"),
        pytest.param({"gap_band": -1}, "must be non-negative", id="band"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    agent = FiscalAgent(**kwargs)
    assert all(getattr(agent, k) == v for k, v in kwargs.items())  # stored as given
    with pytest.raises(ValueError, match=match):
        agent.run(inputs(), AS_OF)


def test_no_look_ahead_rows_after_the_date_change_nothing():
    base = inputs()
    later = pd.DataFrame(
        {
            SELIC: [2.0],
            GROSS_DEBT: [120.0],
            PRIMARY_DEFICIT: [5.0],
            GDP_MONTHLY: [1.0],
            GDP_12M: [1.0],
        },
        index=pd.to_datetime(["2024-03-29"]),
    )
    before = FiscalAgent().run(base, AS_OF)
    after = FiscalAgent().run(pd.concat([base, later]).sort_index(), AS_OF)
    assert before == after
    assert FiscalAgent().run(pd.concat([base, later]), date(2024, 3, 29)) != before  # guard


# --- load_available ---------------------------------------------------------------------------


class FakeLoader:
    """Knows some columns; raises like PointInTimeLoader when any asked for is unknown."""

    def __init__(self, known: dict[str, pd.Series]):
        self.known = known

    def load(self, columns, start, end, as_of):
        missing = [c for c in columns if c not in self.known]
        if missing:
            raise ValueError(f"no data known for {', '.join(missing)}")
        return pd.DataFrame({c: self.known[c] for c in columns})


def test_load_available_keeps_unknown_columns_as_nan_and_lists_them():
    selic = pd.Series([10.0], index=pd.to_datetime(["2024-03-28"]))
    frame = load_inputs(FakeLoader({SELIC: selic}), AS_OF)
    assert list(frame.columns) == list(COLUMNS)
    assert frame.attrs["missing"] == [c for c in COLUMNS if c != SELIC]
    assert frame[SELIC].iloc[0] == 10.0
    full = load_available(FakeLoader({SELIC: selic}), [SELIC], AS_OF, AS_OF, AS_OF)
    assert full.attrs["missing"] == []


# --- real data --------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_data_month_ends_2012_2023(real_gold_engine):
    from macro_models.pit import PointInTimeLoader

    loader, agent = PointInTimeLoader(real_gold_engine), FiscalAgent()
    reports = {
        d.date(): agent.run(load_inputs(loader, d.date()), d.date())
        for d in pd.date_range("2012-01-31", "2023-12-31", freq="ME")
    }
    assert len(reports) == 144
    for day, report in reports.items():
        assert report.agent_id == "fiscal" and report.as_of_date == day
        (signal,) = report.signals
        # The real set has no debt or primary result: the view rests on r − g, said so.
        assert f"gross debt ({GROSS_DEBT})" in report.diagnostics["missing_inputs"]
        assert signal.confidence <= 0.2
    rg = {d: r.diagnostics.get("rate_growth_diff_pp") for d, r in reports.items()}
    # 2015: Selic 14.25 % with nominal GDP growing ~4 %: the snowball that drove the downgrade.
    for day in pd.date_range("2015-09-30", "2016-06-30", freq="ME"):
        assert rg[day.date()] > 5, day
        assert reports[day.date()].signals[0].direction == 1, day
    # Mid-2021 to early 2022: Selic far below nominal growth (inflation and the rebound).
    for day in pd.date_range("2021-06-30", "2022-03-31", freq="ME"):
        assert reports[day.date()].signals[0].direction == -1, day
