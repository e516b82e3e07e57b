"""Instrument excess returns from hand-built loader frames: each formula's no-arbitrage case and
one move whose P&L is known in closed form."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from macro_models.backtest import market
from macro_models.instruments import di1

# Brazilian national business days with no holiday between them (one CDI day per step).
SESSIONS = pd.DatetimeIndex(["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"], name="date")


def _panel(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns, index=SESSIONS)


def _cdi_day(rate_pct_year: float) -> float:
    return ((1 + rate_pct_year / 100) ** (1 / 252) - 1) * 100


def test_di1_at_the_cdi_earns_nothing_and_a_payer_gains_dv01_on_a_rise() -> None:
    flat = _panel(**{"di1:252": [10.0] * 4, market.CDI: [_cdi_day(10.0)] * 4})
    r = market.build_returns(flat, SESSIONS).returns["DI1"]
    assert_allclose(r, 0.0, atol=1e-12)
    up = _panel(**{"di1:252": [10.0, 10.01, 10.01, 10.01], market.CDI: [_cdi_day(10.0)] * 4})
    r = market.build_returns(up, SESSIONS).returns["DI1"]
    # The payer (DI1 +1) gains one DV01 of the contract, now a day shorter, per PU of notional
    # (up to convexity).
    pu_prev, pu_now = di1.pu_from_rate(10.0, 252), di1.pu_from_rate(10.01, 251)
    assert_allclose(r.iloc[0], di1.dv01(pu_now, 251) / pu_prev, rtol=1e-3)
    # The DV01 per unit notional the book is measured with is B3's DV01 over the PU.
    dv01 = market.build_returns(up, SESSIONS).dv01["DI1"]
    pu_1y = di1.pu_from_rate(10.01, 252)
    assert_allclose(dv01.iloc[-1], di1.dv01(pu_1y, 252) / pu_1y, rtol=1e-12)


def test_usdbrl_pays_the_cdi_fed_funds_carry() -> None:
    p = _panel(
        **{"panel:bcb_sgs__1": [5.0] * 4, market.CDI: [_cdi_day(10.0)] * 4, market.FED_FUNDS: 3.6}
    )
    r = market.build_returns(p, SESSIONS).returns["USDBRL"]
    assert_allclose(r, (1 + 0.036 / 360) - 1.10 ** (1 / 252), rtol=1e-12)
    assert (r < 0).all()  # long dollars against the CDI loses the carry when spot is flat


def test_ind_and_es_are_excess_returns_and_es_is_translated_to_brl() -> None:
    p = _panel(
        **{
            "panel:b3_index__IBOV": [100.0, 101.0, 101.0, 101.0],
            "panel:yahoo__GSPC": [100.0, 101.0, 101.0, 101.0],
            "panel:bcb_sgs__1": [5.0, 5.1, 5.1, 5.1],
            market.CDI: [0.0] * 4,
            market.FED_FUNDS: [0.0] * 4,
        }
    )
    r = market.build_returns(p, SESSIONS, es_dividend_yield=0.0).returns
    assert_allclose(r["IND"].iloc[0], 0.01, rtol=1e-12)
    assert_allclose(r["ES"].iloc[0], 0.01 * 1.02, rtol=1e-12)
    assert_allclose(r[["IND", "ES"]].iloc[1:], 0.0, atol=1e-15)


def test_zn_follows_the_note_price_and_carry() -> None:
    p = _panel(
        **{
            "ust_par:10Y": [4.0, 4.1, 4.1, 4.1],
            market.FED_FUNDS: [4.0] * 4,
            "panel:bcb_sgs__1": [5.0] * 4,
            market.CDI: [0.0] * 4,
        }
    )
    r = market.build_returns(p, SESSIONS).returns["ZN"]
    from macro_models.strategies.levels import zn_price

    assert_allclose(r.iloc[0], zn_price(4.1) / zn_price(4.0) - 1, rtol=1e-12)
    # A long ZN loses about its modified duration (~8 at 4 %) per bp.
    assert -9e-4 < market.build_returns(p, SESSIONS).dv01["ZN"].iloc[0] < -7e-4
    # Then no price move, and the carry of the 4.1 % yield over 4.0 % funding, a day at a time.
    assert_allclose(r.iloc[1:], 0.001 / 360, rtol=1e-9)


def test_ntnb_at_a_real_yield_equal_to_the_cdi_without_inflation_earns_nothing() -> None:
    p = _panel(**{"br_real:1260": [6.0] * 4, market.IPCA_MOM: [0.0] * 4, market.CDI: _cdi_day(6.0)})
    assert_allclose(market.build_returns(p, SESSIONS).returns["NTNB"], 0.0, atol=1e-12)
    p[market.IPCA_MOM] = 0.5  # 0.5 % a month accrues ~1/21 of it a day on top
    r = market.build_returns(p, SESSIONS).returns["NTNB"]
    assert_allclose(r, 1.06 ** (1 / 252) * (1.005 ** (1 / 21) - 1), rtol=1e-9)


def test_sources_are_chained_by_return_and_named() -> None:
    p = _panel(
        **{
            "panel:b3_index__IBOV": [100.0, np.nan, np.nan, np.nan],
            "panel:yahoo__BVSP": [200.0, 202.0, 204.02, 204.02],
            market.CDI: [0.0] * 4,
        }
    )
    out = market.build_returns(p, SESSIONS)
    # The official index carries its last value 5 sessions (a zero return), then Yahoo's returns.
    assert out.source["IND"].tolist() == ["panel:b3_index__IBOV"] * 3
    p["panel:b3_index__IBOV"] = [100.0, 101.0, np.nan, np.nan]
    out = market.build_returns(p, SESSIONS.append(pd.DatetimeIndex(["2024-03-15"])))
    # Levels of two sources never splice: each return comes from one source.
    assert_allclose(out.returns["IND"].iloc[0], 0.01)


def test_a_curve_with_gaps_gives_no_return_across_the_gap() -> None:
    p = _panel(**{"di1:252": [10.0, np.nan, 10.5, 10.5], market.CDI: [_cdi_day(10.0)] * 4})
    r = market.build_returns(p, SESSIONS).returns["DI1"]
    assert r.isna().tolist() == [True, True, False]


def test_one_set_of_rate_sensitivities_serves_the_backtest_and_the_portfolio() -> None:
    from macro_models.portfolio.daily import modified_durations
    from macro_models.strategies.levels import zn_price, zn_prices

    assert_allclose(zn_prices([3.0, 6.0, np.nan])[:2], [zn_price(3.0), 100.0], rtol=1e-12)
    assert np.isnan(zn_prices([np.nan])[0])
    per_bp = market.rate_sensitivities(10.0, 6.0, 4.0)
    d = modified_durations(10.0, 6.0, 4.0)
    assert_allclose(d["DI1"], -1 / 1.10, rtol=1e-12)  # +1 pays: negative duration
    assert_allclose(d["NTNB"], 5 / 1.06, rtol=1e-12)
    assert_allclose(d["ZN"], -per_bp["ZN"] * 1e4, rtol=1e-12)
    assert 7.5 < d["ZN"] < 8.5  # the 6 % note at 4 %
