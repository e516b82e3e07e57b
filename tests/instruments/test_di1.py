"""DI1 formulas against B3's definition, a worked example, and the shared real settlements."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from numpy.testing import assert_allclose

from macro_models.instruments import di1
from tests.conftest import SHARED_DATA


def test_worked_example_ten_percent_over_one_year() -> None:
    # 10 % over 252 business days: PU = 100000 / 1.10 = 90909.09 (B3 rounds PU to 2 decimals).
    pu = di1.pu_from_rate(10.0, 252)
    assert round(pu, 2) == 90909.09
    assert_allclose(di1.rate_from_pu(90909.09, 252), 10.0, atol=1e-5)
    # DV01 = PU * du/252 / (1 + r) / 10000 = 90909.09 / 1.1 / 10000 = R$ 8.2645 per bp.
    assert_allclose(di1.dv01(90909.09, 252), 8.264462, rtol=1e-6)
    # Half a year at 10 %: 100000 / 1.1 ** 0.5.
    assert_allclose(di1.pu_from_rate(10.0, 126), 95346.258925, rtol=1e-10)


def test_round_trip_and_broadcasting_over_arrays() -> None:
    rates = np.array([[1.0], [2.0], [6.5], [10.0], [14.25], [15.0]])
    dus = np.array([1, 21, 252, 756, 2520])
    pu = di1.pu_from_rate(rates, dus)
    assert pu.shape == (6, 5) and np.all(pu < di1.FACE_VALUE)
    assert_allclose(di1.rate_from_pu(pu, dus), np.broadcast_to(rates, (6, 5)), rtol=1e-10)


def test_dv01_is_the_pu_change_for_one_basis_point() -> None:
    for rate, du in [(2.0, 21), (10.0, 252), (13.75, 1500), (11.0, 2520)]:
        pu = di1.pu_from_rate(rate, du)
        bumped = di1.pu_from_rate(rate - 0.005, du) - di1.pu_from_rate(rate + 0.005, du)
        assert_allclose(di1.dv01(pu, du), bumped, rtol=1e-6)


def test_on_the_maturity_date_du_is_zero_and_pu_is_face_value() -> None:
    assert di1.business_days(date(2021, 1, 4), di1.maturity_date("F21")) == 0
    assert di1.pu_from_rate(12.0, 0) == di1.FACE_VALUE
    assert np.isnan(di1.rate_from_pu(100_000.0, 0))
    assert di1.dv01(100_000.0, 0) == 0.0
    # 21 days at PU 99000: (100000 / 99000) ** 12 - 1 = 12.8178 %.
    assert_allclose(di1.rate_from_pu([99_000.0, 100_000.0], [21, 0]), [12.8178, np.nan], atol=1e-4)


@pytest.mark.parametrize(
    ("code", "maturity"),
    [
        pytest.param("F25", date(2025, 1, 2), id="1-january-holiday"),
        pytest.param("DI1F27", date(2027, 1, 4), id="1-january-friday"),
        pytest.param("H22", date(2022, 3, 2), id="carnival-tuesday"),
        pytest.param("H25", date(2025, 3, 5), id="carnival-monday-and-tuesday"),
        pytest.param("K24", date(2024, 5, 2), id="labour-day"),
        pytest.param("N25", date(2025, 7, 1), id="plain"),
        pytest.param("X20", date(2020, 11, 3), id="finados-monday"),
        pytest.param("F33", date(2033, 1, 3), id="weekend"),
    ],
)
def test_maturity_is_the_first_business_day_of_the_month(code: str, maturity: date) -> None:
    assert di1.maturity_date(code) == maturity


def test_du_counts_days_the_cdi_accrues_not_b3_sessions() -> None:
    # 2024-01-02 -> G24 (2024-02-01): 2, 3, ..., 31 January are 22 business days.
    assert di1.business_days(date(2024, 1, 2), date(2024, 2, 1)) == 22
    # B3 is closed on 24 and 31 December; the CDI still accrues, so both count.
    assert di1.business_days(date(2021, 12, 20), date(2022, 1, 3)) == 10
    # Carnival Monday and Tuesday are holidays; Ash Wednesday is a business day.
    assert di1.business_days(date(2024, 2, 9), date(2024, 2, 15)) == 2  # 9th and 14th
    # 20 November is a national holiday from 2024 only.
    assert di1.business_days(date(2023, 11, 20), date(2023, 11, 21)) == 1
    assert not di1.is_business_day(date(2024, 11, 20))
    # The whole of 2024: 262 weekdays less 9 weekday holidays.
    assert di1.business_days(date(2024, 1, 1), date(2025, 1, 1)) == 253


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: di1.parse_contract("A25"), "month letter", id="bad-month"),
        pytest.param(lambda: di1.parse_contract("F2"), "two year digits", id="one-digit"),
        pytest.param(lambda: di1.parse_contract("DOLF25"), "e.g. 'F25'", id="other-commodity"),
        pytest.param(
            lambda: di1.business_days(date(2025, 1, 3), date(2025, 1, 2)),
            "before the trade",
            id="matured",
        ),
        pytest.param(lambda: di1.pu_from_rate(10.0, -1), "du must be >= 0", id="negative-du"),
        pytest.param(lambda: di1.rate_from_pu(0.0, 10), "pu must be > 0", id="zero-pu"),
        pytest.param(
            lambda: di1.is_business_day(date(2150, 1, 2)),
            "outside the DI1 calendar",
            id="beyond-calendar",
        ),
    ],
)
def test_bad_parameters_are_refused(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_contract_codes() -> None:
    assert [di1.contract_code(2025, m) for m in (1, 4, 7, 10)] == ["F25", "J25", "N25", "V25"]
    assert di1.parse_contract("DI1Z29") == (2029, 12)


# --- The shared real data: rb3's copy of B3's DI1 settlements, 104 dates 2021-2022 ------------

SETTLEMENTS = SHARED_DATA / "b3__di1_settlement.csv"


@pytest.fixture(scope="module")
def settlements():
    if not SETTLEMENTS.exists():
        pytest.skip("../shared/data is absent")
    import pandas as pd

    df = pd.read_csv(SETTLEMENTS, parse_dates=["date", "maturity"])
    df["ours"] = [di1.maturity_date(c) for c in df["contract"]]
    df["du"] = [di1.business_days(d.date(), m) for d, m in zip(df["date"], df["ours"], strict=True)]
    return df


@pytest.mark.realdata
def test_real_maturities_match_except_where_theirs_is_a_holiday(settlements) -> None:
    theirs = settlements["maturity"].dt.date
    differ = settlements[theirs != settlements["ours"]]
    # Their file's rule skips only 1 January and 1 May: DI1H22 fell on Carnival Tuesday.
    assert set(differ["contract"]) == {"DI1H22"}
    assert set(differ["ours"]) == {date(2022, 3, 2)}
    assert not any(di1.is_business_day(d) for d in differ["maturity"].dt.date)


@pytest.mark.realdata
def test_real_pu_gives_sane_rates_and_face_value_at_maturity(settlements) -> None:
    expiring = settlements[settlements["du"] == 0]
    assert (expiring["value"] == di1.FACE_VALUE).all() and len(expiring) == 11
    first = settlements[(settlements["contract"] == "DI1F21")].iloc[0]
    assert first["date"].date() == date(2021, 1, 4) and first["du"] == 0
    live = settlements[settlements["du"] > 0]
    rates = di1.rate_from_pu(live["value"].to_numpy(), live["du"].to_numpy())
    assert 1.0 < rates.min() and rates.max() < 15.0
    assert (di1.dv01(live["value"].to_numpy(), live["du"].to_numpy()) > 0).all()


@pytest.mark.realdata
def test_real_short_contracts_price_the_cdi_when_policy_stays_put(settlements) -> None:
    """Validates du: where the Selic target does not move before maturity, a one-month DI1
    rate is the CDI. Counting B3 sessions instead of business days misses by up to 2.4 pp."""
    import pandas as pd

    cdi_path, selic_path = SHARED_DATA / "bcb_sgs__4389.csv", SHARED_DATA / "bcb_sgs__432.csv"
    if not (cdi_path.exists() and selic_path.exists()):
        pytest.skip("CDI / Selic files absent")
    cdi = pd.read_csv(cdi_path, parse_dates=["date"]).set_index("date")["value"]
    selic = pd.read_csv(selic_path, parse_dates=["date"]).set_index("date")["value"]
    short = settlements[(settlements["du"] > 0) & (settlements["du"] <= 25)].copy()
    flat = [
        selic[d : pd.Timestamp(m)].nunique() == 1
        for d, m in zip(short["date"], short["ours"], strict=True)
    ]
    short = short[flat]
    short["cdi"] = cdi.reindex(short["date"]).to_numpy()
    short = short.dropna(subset=["cdi"])
    gap = di1.rate_from_pu(short["value"].to_numpy(), short["du"].to_numpy()) - short["cdi"]
    assert len(short) > 50
    assert np.abs(gap).max() < 0.10


def test_easter_and_the_holidays_that_move_with_it() -> None:
    assert [di1.easter(y) for y in (2022, 2024, 2025)] == [
        date(2022, 4, 17),
        date(2024, 3, 31),
        date(2025, 4, 20),
    ]
    h2024 = di1.national_holidays(2024)
    assert {date(2024, 2, 12), date(2024, 2, 13), date(2024, 3, 29), date(2024, 5, 30)} <= set(
        h2024
    )
    assert len(h2024) == 13 and len(di1.national_holidays(2023)) == 12


def test_daily_settlement_worked_example() -> None:
    # A payer of 10 contracts (short PU) carried from 87,123.45 to 87,160.00 with the previous
    # DI at 13.65 %: FC = 1.1365 ** (1/252) = 1.000507880373262 and
    # AD = (87160.00 − 87123.45 · FC) · (−10) = R$ 76.98290 (computed with 40-digit decimals).
    assert_allclose(di1.correction_factor(13.65), 1.000507880373261858, rtol=1e-15)
    assert_allclose(di1.daily_settlement(87_160.00, 87_123.45, 13.65, -10), 76.982903, rtol=1e-7)
    # Over a 3-day gap the CDI compounds over the 3 business days.
    assert_allclose(di1.correction_factor(13.65, 3), 1.1365 ** (3 / 252), rtol=1e-15)


def test_a_contract_priced_at_the_cdi_settles_to_nothing() -> None:
    # If the curve stays at the CDI, the PU grows exactly at FC: no excess, no adjustment.
    for rate, du in [(10.0, 252), (13.65, 40), (2.0, 1000)]:
        pu_prev, pu_now = di1.pu_from_rate(rate, du), di1.pu_from_rate(rate, du - 1)
        assert_allclose(di1.daily_settlement(pu_now, pu_prev, rate, 1), 0.0, atol=1e-8)
    # A 1 bp rise loses the long-PU holder about one DV01 (the payer gains it).
    pu_prev = di1.pu_from_rate(10.0, 253)
    pu_now = di1.pu_from_rate(10.01, 252)
    assert_allclose(
        di1.daily_settlement(pu_now, pu_prev, 10.0, -1), di1.dv01(pu_now, 252), rtol=1e-3
    )
