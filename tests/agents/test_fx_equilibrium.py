"""The FX-equilibrium agent on tiny hand-built frames, plus a run over the real data (slow)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from macro_models.agents.fx_equilibrium import (
    COLUMNS,
    DFF,
    IPCA,
    PTAX,
    SELIC,
    US_CPI,
    UST_1Y,
    VIX,
    FxEquilibriumAgent,
    load_inputs,
    monthly_panel,
    realised_vol,
)
from macro_models.agents.report import AgentReport

COMMODITY = "fred__PALLFNFINDEXM"
MONTHS = pd.period_range("2014-01", "2021-12", freq="M")  # 96 months
AS_OF = date(2021, 12, 31)
TRUE = {"const": 1.5, "terms_of_trade": -0.3, "real_rate_diff": -0.02, "risk": 0.01}


def first_of(months: pd.PeriodIndex) -> pd.DatetimeIndex:
    return months.to_timestamp(how="start")


def day_28(months: pd.PeriodIndex) -> pd.DatetimeIndex:
    return months.to_timestamp(how="start") + pd.Timedelta(days=27)


def synthetic(shock_last: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """A loader-like wide frame where log PTAX is a BEER with known coefficients.

    Prices are flat (IPCA 0 % a month, US CPI 100) so q = ln PTAX + ln 100 and the real rate
    differential is Selic − UST 1y. The commodity index is a random walk, so q and it are
    cointegrated; the BEER error is a stationary AR(1), set to ``shock_last`` in the last month.
    """
    rng = np.random.default_rng(seed)
    n = len(MONTHS)
    tot = 4.6 + np.cumsum(rng.normal(0, 0.05, n))
    selic = 8 + np.cumsum(rng.normal(0, 0.5, n))
    ust = 1 + np.cumsum(rng.normal(0, 0.2, n))
    vix = 20 + rng.normal(0, 5, n)
    err = np.zeros(n)
    for t in range(1, n):
        err[t] = 0.5 * err[t - 1] + rng.normal(0, 0.01)
    err[-1] = shock_last
    rdiff = selic - ust
    log_s = TRUE["const"] - np.log(100) + TRUE["terms_of_trade"] * tot
    log_s += TRUE["real_rate_diff"] * rdiff + TRUE["risk"] * vix + err
    d28 = day_28(MONTHS)
    parts = [
        pd.Series(np.exp(log_s), index=d28, name=PTAX),
        pd.Series(0.0, index=first_of(MONTHS), name=IPCA),
        pd.Series(100.0, index=first_of(MONTHS), name=US_CPI),
        pd.Series(np.exp(tot), index=first_of(MONTHS), name=COMMODITY),
        pd.Series(selic, index=d28, name=SELIC),
        pd.Series(ust, index=d28, name=UST_1Y),
        pd.Series(vix, index=d28, name=VIX),
    ]
    return pd.concat(parts, axis=1).sort_index()


# --- BEER ---------------------------------------------------------------------------------


def test_beer_ols_recovers_the_cointegrating_coefficients():
    panel = monthly_panel(synthetic())
    fit = FxEquilibriumAgent().fit_beer(panel)
    assert fit.nobs == len(MONTHS) - 12  # the first 12 months lack 12-month inflation
    assert_allclose(fit.params[list(TRUE)], list(TRUE.values()), atol=0.02)
    # …and it is exactly statsmodels' OLS on the same rows.
    rows = panel.dropna()
    ref = sm.OLS(rows["q"], sm.add_constant(rows[list(TRUE)[1:]])).fit()
    assert_allclose(fit.params.to_numpy(), ref.params.to_numpy())
    assert_allclose(fit.resid.to_numpy(), ref.resid.to_numpy())


def test_monthly_panel_by_hand():
    idx = first_of(pd.period_range("2020-01", "2021-01", freq="M"))  # 13 months
    data = pd.concat(
        [
            pd.Series(5.0, index=idx + pd.Timedelta(days=20), name=PTAX),
            pd.Series(1.0, index=idx, name=IPCA),  # 1 % a month
            pd.Series(100.0, index=idx, name=US_CPI),
            pd.Series(10.0, index=idx + pd.Timedelta(days=20), name=SELIC),
            pd.Series(5.0, index=idx + pd.Timedelta(days=20), name=UST_1Y),
        ],
        axis=1,
    )
    panel = monthly_panel(data)
    # q falls by ln 1.01 a month: Brazilian prices rise, the real appreciates in real terms.
    assert_allclose(panel["q"].diff().dropna(), -np.log(1.01))
    assert_allclose(panel["q"].iloc[0], np.log(5.0) + np.log(100.0) - np.log(1.01))
    # (10 − 12.68) − (5 − 0): Brazil's ex-post real rate is negative after 12 months at 1 %.
    assert_allclose(panel["real_rate_diff"].iloc[-1], (10 - (1.01**12 - 1) * 100) - 5)
    assert panel["real_rate_diff"].iloc[:-1].isna().all()
    assert panel[["terms_of_trade", "risk"]].isna().all().all()


@pytest.mark.parametrize(
    ("shock", "direction"),
    [
        pytest.param(0.15, 1, id="weak-BRL-undervalued-long"),
        pytest.param(-0.15, -1, id="strong-BRL-overvalued-short"),
        pytest.param(0.0, 0, id="on-fair-value"),
    ],
)
def test_beer_misalignment_sign_convention(shock, direction):
    report = FxEquilibriumAgent().run(synthetic(shock_last=shock), AS_OF)
    beer = report.signals[0]
    d = report.diagnostics["beer"]
    assert beer.signal_id == "brl_beer_misalignment"
    assert "+1 = BRL undervalued" in beer.rationale
    assert beer.direction == direction
    assert d["month"] == "2021-12"
    assert np.sign(d["misalignment_pct"]) == np.sign(shock) or shock == 0
    assert_allclose(d["coefficients"]["terms_of_trade"], -0.3, atol=0.03)


# --- PPP and carry-to-risk by hand ------------------------------------------------------


def flat_prices(months: pd.PeriodIndex) -> list[pd.Series]:
    return [
        pd.Series(0.0, index=first_of(months), name=IPCA),
        pd.Series(100.0, index=first_of(months), name=US_CPI),
    ]


def test_ppp_deviation_by_hand():
    months = pd.period_range("2017-01", "2021-12", freq="M")  # 60 months
    ptax = pd.Series([4.0] * 59 + [5.0], index=day_28(months), name=PTAX)
    data = pd.concat([ptax, *flat_prices(months)], axis=1)
    report = FxEquilibriumAgent().run(data, AS_OF)
    ppp = report.diagnostics["ppp"]
    q = np.log([4.0] * 59 + [5.0])
    dev = (59 / 60) * np.log(5 / 4)  # ln 5 − mean: 21.9 %
    assert_allclose(ppp["deviation_pct"], dev * 100, atol=1e-4)
    assert_allclose(ppp["zscore"], dev / q.std(ddof=1), atol=1e-4)
    assert (ppp["n_months"], ppp["month"]) == (60, "2021-12")
    signal = report.signals[1]
    assert (signal.signal_id, signal.direction) == ("brl_ppp", 1)  # cheap BRL: long
    # A 36-month window forgets the old level: fewer months, same sign.
    short = FxEquilibriumAgent(ppp_window_months=36).run(data, AS_OF).diagnostics["ppp"]
    assert_allclose(short["deviation_pct"], (35 / 36) * np.log(5 / 4) * 100, atol=1e-4)
    # A flat real rate: no deviation, and no division by a zero standard deviation.
    flat = pd.concat(
        [pd.Series(4.0, index=day_28(months), name=PTAX), *flat_prices(months)], axis=1
    )
    flat_ppp = FxEquilibriumAgent().run(flat, AS_OF).signals[1]
    assert (flat_ppp.direction, flat_ppp.strength) == (0, 0.0)


def test_realised_vol_by_hand():
    r = np.tile([0.01, -0.005, 0.002], 30)  # 90 daily log returns
    prices = pd.Series(
        5 * np.exp(np.concatenate([[0], np.cumsum(r)])),
        index=pd.bdate_range("2021-01-04", periods=91),
    )
    assert_allclose(realised_vol(prices, 63), r[-63:].std(ddof=1) * np.sqrt(252) * 100)
    assert np.isnan(realised_vol(prices.iloc[:50], 63))


def carry_frame(selic: float, dff: float, daily_move: float) -> pd.DataFrame:
    days = pd.bdate_range("2021-09-01", "2021-12-31")
    r = np.where(np.arange(len(days)) % 2 == 0, daily_move, -daily_move)
    return pd.concat(
        [
            pd.Series(5 * np.exp(np.cumsum(r)), index=days, name=PTAX),
            pd.Series(selic, index=days, name=SELIC),
            pd.Series(dff, index=days, name=DFF),
        ],
        axis=1,
    )


@pytest.mark.parametrize(
    ("selic", "dff", "direction"),
    [
        pytest.param(9.25, 0.1, 1, id="high-carry-long"),
        pytest.param(2.0, 0.1, -1, id="selic-2pct-short"),
        pytest.param(5.0, 0.1, 0, id="in-between"),
    ],
)
def test_carry_to_risk_by_hand(selic, dff, direction):
    data = carry_frame(selic, dff, 0.01)
    report = FxEquilibriumAgent().run(data, AS_OF)
    c = report.diagnostics["carry_to_risk"]
    vol = realised_vol(data[PTAX], 63)
    # 32 moves one way, 31 the other: std = 0.01·√(64/63), and √(252·64/63) = 16.
    assert_allclose(vol, 16.0)
    assert_allclose(c["carry_pp"], selic - dff)
    assert_allclose(c["ratio"], (selic - dff) / vol, atol=1e-4)
    signal = report.signals[2]
    assert (signal.signal_id, signal.direction) == ("brl_carry_to_risk", direction)
    # BEER and PPP have no prices here: neutral with zero confidence, and said so.
    assert report.signals[0].confidence == 0 and report.signals[1].confidence == 0
    assert IPCA in report.diagnostics["missing_inputs"]


# --- report, missing data, parameters, look-ahead -----------------------------------------


def test_report_fields():
    report = FxEquilibriumAgent().run(synthetic(), AS_OF)
    assert isinstance(report, AgentReport)
    assert report.agent_id == "fx_equilibrium" and report.as_of_date == AS_OF
    assert [s.signal_id for s in report.signals] == [
        "brl_beer_misalignment",
        "brl_ppp",
        "brl_carry_to_risk",
    ]
    assert [s.horizon for s in report.signals] == ["12m", "24m", "3m"]
    for s in report.signals:
        assert 0 <= s.strength <= 1 and 0 <= s.confidence <= 1
    assert set(report.diagnostics) == {"missing_inputs", "beer", "ppp", "carry_to_risk", "params"}
    assert report.diagnostics["missing_inputs"] == [DFF, "fred__POILBREUSDM"]
    assert report.to_json()["as_of_date"] == "2021-12-31"


def test_missing_risk_is_dropped_from_the_beer_and_lowers_confidence():
    full = FxEquilibriumAgent().run(synthetic(), AS_OF)
    no_vix = FxEquilibriumAgent().run(synthetic().drop(columns=[VIX]), AS_OF)
    assert no_vix.diagnostics["beer"]["regressors_dropped"] == ["risk"]
    assert VIX in no_vix.diagnostics["missing_inputs"]
    assert "missing input: fred__VIXCLS" in no_vix.risks
    assert no_vix.signals[0].confidence < full.signals[0].confidence


def test_too_short_a_history_is_a_neutral_report():
    data = synthetic()
    short = data.loc[data.index >= "2019-06-01"]  # 31 months; 19 with 12-month inflation
    report = FxEquilibriumAgent().run(short, AS_OF)
    beer = report.signals[0]
    assert (beer.direction, beer.confidence) == (0, 0.0)
    assert "BEER needs 36 complete months" in report.diagnostics["beer"]["note"]
    empty = FxEquilibriumAgent().run(pd.DataFrame(index=pd.DatetimeIndex([])), AS_OF)
    assert empty.diagnostics["missing_inputs"] == list(COLUMNS)
    assert all(s.confidence == 0 for s in empty.signals)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"min_months": 6}, "min_months must be >= 12", id="min-months"),
        pytest.param({"ppp_window_months": 24}, "ppp_window_months >= min_months", id="ppp"),
        pytest.param({"carry_low": 0.6}, "need 0 <= carry_low < carry_high", id="carry"),
        pytest.param({"vol_window_days": 1}, "vol_window_days >= 2", id="vol"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    agent = FxEquilibriumAgent(**kwargs)
    assert all(getattr(agent, k) == v for k, v in kwargs.items())
    with pytest.raises(ValueError, match=match):
        agent.run(synthetic(), AS_OF)


def test_no_look_ahead_rows_after_the_date_change_nothing():
    d = date(2020, 12, 31)
    data = pd.concat([synthetic(), carry_frame(9.0, 0.1, 0.01)[[DFF]]], axis=1).sort_index()
    before = FxEquilibriumAgent().run(data.loc[: pd.Timestamp(d)], d)
    after = FxEquilibriumAgent().run(data, d)  # 2021 rows, a carry regime change included
    assert before == after
    assert before.diagnostics["beer"]["month"] == "2020-12"
    assert FxEquilibriumAgent().run(data, AS_OF) != before  # guard: the later rows matter


def test_load_inputs_asks_for_every_column_over_the_lookback():
    calls = []

    class Loader:
        def load(self, columns, start, end, as_of):
            calls.append((tuple(columns), start, end, as_of))
            return synthetic()[[c for c in columns if c in synthetic()]].reindex(columns=columns)

    frame = load_inputs(Loader(), AS_OF, lookback_years=10)
    assert calls == [(COLUMNS, date(2011, 12, 31), AS_OF, AS_OF)]
    assert list(frame.columns) == list(COLUMNS)


# --- real data ----------------------------------------------------------------------------


@pytest.mark.slow
def test_real_data_month_ends_2012_2023(real_gold_engine):
    from macro_models.pit import PointInTimeLoader

    loader, agent = PointInTimeLoader(real_gold_engine), FxEquilibriumAgent()
    reports = {
        d.date(): agent.run(load_inputs(loader, d.date()), d.date())
        for d in pd.date_range("2012-01-31", "2023-12-31", freq="ME")
    }
    assert len(reports) == 144
    for day, report in reports.items():
        assert report.agent_id == "fx_equilibrium" and report.as_of_date == day
        assert len(report.signals) == 3
    beer = {d: r.diagnostics["beer"] for d, r in reports.items()}
    ppp = {d: r.diagnostics["ppp"] for d, r in reports.items()}
    carry = {d: r.diagnostics["carry_to_risk"] for d, r in reports.items()}
    by_id = {d: {s.signal_id: s for s in r.signals} for d, r in reports.items()}
    # The BEER needs 36 months after IPCA's first 12 (the real IPCA starts in 2010).
    assert "note" in beer[date(2012, 6, 30)] and "misalignment_pct" in beer[date(2014, 6, 30)]
    # 2015 (fiscal crisis, downgrade) and 2020 (COVID): BRL far weaker than PPP says.
    for day in [
        *pd.date_range("2015-09-30", "2015-12-31", freq="ME"),
        *pd.date_range("2020-03-31", "2020-12-31", freq="ME"),
    ]:
        assert ppp[day.date()]["deviation_pct"] > 30, day
        assert by_id[day.date()]["brl_ppp"].direction == 1, day
    # …and weaker than the BEER's fair value at the peaks of the sell-offs.
    for day in [date(2015, 9, 30), date(2020, 3, 31), date(2020, 9, 30)]:
        assert beer[day]["misalignment_pct"] > 10, day
        assert by_id[day]["brl_beer_misalignment"].direction == 1, day
    # Selic at 2 %: carry no longer pays for the risk; the 2021-22 hikes restore it.
    for day in pd.date_range("2020-06-30", "2021-03-31", freq="ME"):
        assert carry[day.date()]["ratio"] < 0.2, day
        assert by_id[day.date()]["brl_carry_to_risk"].direction == -1, day
    for day in pd.date_range("2022-02-28", "2022-09-30", freq="ME"):
        assert carry[day.date()]["ratio"] > 0.5, day
        assert by_id[day.date()]["brl_carry_to_risk"].direction == 1, day
