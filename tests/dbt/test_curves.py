"""The curve marts (issue #4) against independent numpy computations on the sample.

Each reference below starts from silver staging (or the calendar) and redoes the work in
numpy/scipy: its own vintage pick, its own du count and coupon schedule, a root-finder instead of
Newton, a recursive UST bootstrap instead of the closed form. Point-in-time: a curve row never
carries a known_at after the end of its date when every input had a same-day vintage.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import brentq
from sqlalchemy import Engine, text

pytestmark = pytest.mark.slow

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
NEW_YORK = ZoneInfo("America/New_York")
GOVERNMENT_TENORS = np.array([126, 252, 504, 756, 1260, 2520])
SEMIANNUAL_COUPON = {"LTN": 0.0, "NTN-F": 1.10**0.5 - 1, "NTN-B": 1.06**0.5 - 1}


def read(engine: Engine, sql: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)


def end_of_day(day: date, zone: ZoneInfo) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day + timedelta(days=1), time(), tzinfo=zone))


def pick_vintages(
    rows: pd.DataFrame, date_col: str, keys: list[str], zone: ZoneInfo
) -> pd.DataFrame:
    """The latest vintage known by the end of the date, else the earliest one."""
    rows = rows.copy()
    close = rows[date_col].map(lambda d: end_of_day(d, zone))
    rows["known_by_close"] = pd.to_datetime(rows["known_at"], utc=True) < close
    picked = []
    for _, group in rows.groupby([date_col, *keys], sort=False):
        same_day = group[group["known_by_close"]]
        picked.append(
            same_day.loc[same_day["known_at"].idxmax()]
            if len(same_day)
            else group.loc[group["known_at"].idxmin()]
        )
    return pd.DataFrame(picked).reset_index(drop=True)


def flat_forward(du: np.ndarray, ln_df: np.ndarray, tenors: np.ndarray) -> np.ndarray:
    """ln DF linear in du through (0, 0) and the vertices; NaN past the last vertex."""
    nodes = np.concatenate([[0.0], du])
    values = np.concatenate([[0.0], ln_df])
    out = np.interp(tenors, nodes, values)
    return np.where(tenors > nodes.max(), np.nan, out)


# --- DI1 -------------------------------------------------------------------------------------


def test_di1_contracts_are_the_settlements_priced_on_252_days(gold_engine) -> None:
    stg = read(
        gold_engine,
        "select trade_date, ticker, business_days_to_maturity as du, settlement_pu, known_at "
        "from silver.stg_b3__di1_settlements where business_days_to_maturity > 0",
    )
    expected = pick_vintages(stg, "trade_date", ["ticker"], SAO_PAULO)
    mart = read(gold_engine, "select * from gold.fct_di1_curve_contracts")
    merged = expected.merge(mart, on=["trade_date", "ticker"], suffixes=("_ref", ""))
    assert len(merged) == len(mart) == len(expected) > 0
    assert_allclose(merged["settlement_pu"], merged["settlement_pu_ref"], rtol=0)
    pu, du = merged["settlement_pu_ref"].to_numpy(float), merged["du"].to_numpy(float)
    assert_allclose(merged["rate_pct"], ((1e5 / pu) ** (252 / du) - 1) * 100, rtol=1e-12)
    assert_allclose(merged["discount_factor"], pu / 1e5, rtol=1e-15)
    assert (merged["known_at"] == merged["known_at_ref"]).all()


def test_di1_tenors_reprice_the_contracts_they_sit_on(gold_engine) -> None:
    """At a contract's own du the flat-forward curve returns the contract's rate."""
    day = read(gold_engine, "select max(trade_date) as d from gold.fct_di1_curve_contracts")["d"][0]
    contracts = read(
        gold_engine,
        "select business_days_to_maturity as du, discount_factor, rate_pct "
        "from gold.fct_di1_curve_contracts where trade_date = :d order by 1",
        d=day,
    )
    du = contracts["du"].to_numpy(float)
    ln_df = np.log(contracts["discount_factor"].to_numpy())
    rebuilt = (np.exp(-flat_forward(du, ln_df, du) * 252 / du) - 1) * 100
    assert_allclose(rebuilt, contracts["rate_pct"], rtol=1e-12)
    tenors = read(
        gold_engine,
        "select tenor_bd, rate_pct from gold.fct_di1_curve_tenors where trade_date = :d order by 1",
        d=day,
    )
    t = tenors["tenor_bd"].to_numpy(float)
    assert_allclose(
        tenors["rate_pct"], (np.exp(-flat_forward(du, ln_df, t) * 252 / t) - 1) * 100, rtol=1e-10
    )
    assert t.max() <= du.max() < 2520, "the sample lists DI1 to 9 years: 10y is not extrapolated"


# --- Brazil government curves ------------------------------------------------------------------


def business_days(engine: Engine) -> np.ndarray:
    days = read(
        engine,
        "select calendar_date from gold.dim_calendar_days "
        "where calendar_code = 'BR_NATIONAL' and is_business_day order by 1",
    )
    return days["calendar_date"].to_numpy(dtype="datetime64[D]")


def du_between(national: np.ndarray, start: date, ends: list[date]) -> np.ndarray:
    """Business days in [start, end): ANBIMA's du (payments on holidays count the same)."""
    lo = np.searchsorted(national, np.datetime64(start, "D"))
    return np.searchsorted(national, np.array(ends, dtype="datetime64[D]")) - lo


def payments(bond_type: str, maturity: date, after: date) -> tuple[list[date], np.ndarray]:
    coupon = SEMIANNUAL_COUPON[bond_type]
    if coupon == 0:
        return [maturity], np.array([1.0])
    dates, k = [], 0
    while (paid := (pd.Timestamp(maturity) - pd.DateOffset(months=6 * k)).date()) > after:
        dates.append(paid)
        k += 1
    dates.reverse()
    amounts = np.full(len(dates), coupon)
    amounts[-1] += 1.0
    return dates, amounts


def segment_gap(
    x: float, amounts: np.ndarray, w: np.ndarray, last_ln: float, target: float
) -> float:
    """Value of the payments past the last vertex when ln DF(maturity) = x, minus the target."""
    return float(np.sum(amounts * np.exp(last_ln * (1 - w) + x * w))) - target


def bootstrap(
    bonds: pd.DataFrame, national: np.ndarray, day: date
) -> tuple[np.ndarray, np.ndarray]:
    """Bonds in du order, each adding the vertex that reprices it; brentq, not Newton."""
    du_v, ln_v = np.array([0.0]), np.array([0.0])
    for bond in bonds.sort_values("du").itertuples():
        dates, amounts = payments(bond.bond_type, bond.maturity_date, day)
        du = du_between(national, day, dates).astype(float)
        price = float(np.sum(amounts * (1 + bond.rate) ** (-du / 252)))
        last_du, last_ln = du_v[-1], ln_v[-1]
        known = du <= last_du
        known_value = float(np.sum(amounts[known] * np.exp(np.interp(du[known], du_v, ln_v))))
        w = (du[~known] - last_du) / (bond.du - last_du)
        x = brentq(
            segment_gap,
            -20.0,
            5.0,
            args=(amounts[~known], w, last_ln, price - known_value),
            xtol=1e-15,
            rtol=4 * np.finfo(float).eps,
        )
        du_v, ln_v = np.append(du_v, bond.du), np.append(ln_v, x)
    return du_v[1:], ln_v[1:]


def government_reference(engine: Engine, day: date, national: np.ndarray) -> pd.DataFrame:
    stg = read(
        engine,
        "select reference_date, bond_type, maturity_date, indicative_rate_pct, known_at "
        "from silver.stg_anbima__tpf_indicative_rates "
        "where reference_date = :d and bond_type in ('LTN', 'NTN-F', 'NTN-B')",
        d=day,
    )
    bonds = pick_vintages(stg, "reference_date", ["bond_type", "maturity_date"], SAO_PAULO)
    bonds["du"] = du_between(national, day, list(bonds["maturity_date"]))
    bonds["rate"] = bonds["indicative_rate_pct"] / 100
    bonds = bonds[bonds["du"] >= 21]
    last_ltn = bonds.loc[bonds["bond_type"] == "LTN", "du"].max()
    nominal = bonds[
        (bonds["bond_type"] == "LTN") | ((bonds["bond_type"] == "NTN-F") & (bonds["du"] > last_ltn))
    ]
    real = bonds[bonds["bond_type"] == "NTN-B"]
    t = GOVERNMENT_TENORS.astype(float)
    ln_n = flat_forward(*bootstrap(nominal, national, day), t)
    ln_r = flat_forward(*bootstrap(real, national, day), t)
    return pd.DataFrame(
        {
            "tenor_bd": GOVERNMENT_TENORS,
            "nominal_ref": (np.exp(-ln_n * 252 / t) - 1) * 100,
            "real_ref": (np.exp(-ln_r * 252 / t) - 1) * 100,
        }
    )


def test_government_curves_match_a_numpy_bootstrap(gold_engine) -> None:
    national = business_days(gold_engine)
    days = read(
        gold_engine, "select distinct curve_date from gold.fct_br_government_curves order by 1"
    )
    picks = days["curve_date"].iloc[[0, len(days) // 2, -1]]
    for day in picks:
        ref = government_reference(gold_engine, day, national)
        mart = read(
            gold_engine,
            "select tenor_bd, nominal_rate_pct, real_rate_pct, breakeven_pct "
            "from gold.fct_br_government_curves where curve_date = :d order by 1",
            d=day,
        ).merge(ref, on="tenor_bd", how="right")
        assert_allclose(
            mart["nominal_rate_pct"], mart["nominal_ref"], rtol=0, atol=1e-9, equal_nan=True
        )
        assert_allclose(mart["real_rate_pct"], mart["real_ref"], rtol=0, atol=1e-9, equal_nan=True)
        breakeven = ((1 + mart["nominal_ref"] / 100) / (1 + mart["real_ref"] / 100) - 1) * 100
        assert_allclose(mart["breakeven_pct"], breakeven, rtol=0, atol=1e-9, equal_nan=True)
        assert mart["real_rate_pct"].notna().all(), "NTN-Bs run to 2060 in the sample"


def test_bootstrap_reads_coupon_bonds_as_coupon_bonds(gold_engine) -> None:
    """The NTN-B curve's zeros differ from the bonds' yields, but reprice every bond."""
    vertices = read(
        gold_engine,
        "select bond_type, yield_decimal, zero_rate_decimal, price_residual "
        "from silver.int_br_government_curves__vertices_bootstrapped",
    )
    ltn = vertices[vertices["bond_type"] == "LTN"]
    assert_allclose(ltn["zero_rate_decimal"], ltn["yield_decimal"], rtol=1e-12)
    ntnb = vertices[vertices["bond_type"] == "NTN-B"]
    assert (abs(ntnb["zero_rate_decimal"] - ntnb["yield_decimal"]) > 1e-6).mean() > 0.5
    assert vertices["price_residual"].abs().max() < 1e-12


# --- UST -------------------------------------------------------------------------------------


def ust_reference(par: pd.DataFrame) -> pd.DataFrame:
    """Par yields linear at 6-month points, then DF_n = (1 - c/2 sum DF_<n) / (1 + c/2)."""
    months, yields = par["tenor_months"].to_numpy(float), par["yield_pct"].to_numpy(float) / 100
    grid = np.arange(6.0, months.max() + 1e-9, 6.0)
    coupons = np.interp(grid, months, yields)
    dfs = np.empty_like(grid)
    for n, c in enumerate(coupons):
        dfs[n] = (1 - c / 2 * dfs[:n].sum()) / (1 + c / 2)
    return pd.DataFrame(
        {
            "tenor_months": grid,
            "df_ref": dfs,
            "zero_ref": 2 * (dfs ** (-1 / np.arange(1, len(grid) + 1)) - 1) * 100,
            "coupon": coupons,
        }
    )


def test_ust_bootstrap_matches_numpy(gold_engine) -> None:
    stg = read(
        gold_engine,
        "select curve_date, tenor_months, yield_pct, known_at from silver.stg_treasury__par_yields",
    )
    mart = read(gold_engine, "select * from gold.fct_ust_curve_tenors")
    dates = sorted(stg["curve_date"].unique())
    rng = np.random.default_rng(4)
    checked = [dates[0], dates[-1], *rng.choice(dates, 40, replace=False)]
    for day in checked:
        par = pick_vintages(stg[stg["curve_date"] == day], "curve_date", ["tenor_months"], NEW_YORK)
        par = par.sort_values("tenor_months")
        ref = ust_reference(par)
        rows = mart[mart["curve_date"] == day].sort_values("tenor_months")
        coupon_rows = rows[rows["tenor_months"] >= 12].merge(ref, on="tenor_months")
        assert len(coupon_rows) == (par["tenor_months"] >= 12).sum()
        assert_allclose(coupon_rows["discount_factor"], coupon_rows["df_ref"], rtol=1e-10)
        assert_allclose(coupon_rows["zero_rate_pct"], coupon_rows["zero_ref"], rtol=1e-10)
        bills = rows[rows["tenor_months"] < 12]
        y, t = bills["par_yield_pct"].to_numpy() / 100, bills["tenor_months"].to_numpy() / 12
        assert_allclose(bills["discount_factor"], (1 + y / 2) ** (-2 * t), rtol=1e-12)
        assert_allclose(bills["zero_rate_pct"], bills["par_yield_pct"], rtol=1e-12)


def test_ust_zero_curve_reprices_par_bonds(gold_engine) -> None:
    """Every 6-month point prices its par bond at 1 (the definition, checked on the SQL)."""
    grid = read(
        gold_engine,
        "select curve_date, tenor_months, par_yield_decimal, discount_factor "
        "from silver.int_ust__zero_curve_bootstrapped order by curve_date, tenor_months",
    )
    grid["annuity"] = grid.groupby("curve_date")["discount_factor"].cumsum()
    value = grid["par_yield_decimal"] / 2 * grid["annuity"] + grid["discount_factor"]
    assert_allclose(value, 1.0, rtol=0, atol=1e-12)


# --- Forwards --------------------------------------------------------------------------------


def test_forwards_match_numpy(gold_engine) -> None:
    forwards = read(gold_engine, "select * from gold.fct_curve_forwards")
    di1 = read(
        gold_engine,
        "select trade_date as curve_date, tenor_bd, discount_factor, rate_pct "
        "from gold.fct_di1_curve_tenors",
    )
    ust = read(
        gold_engine,
        "select curve_date, tenor_months, discount_factor from gold.fct_ust_curve_tenors",
    )

    def legs(curve: pd.DataFrame, key: str, scale: float, rows: pd.DataFrame) -> pd.DataFrame:
        start = rows.assign(**{key: (rows["start_tenor_years"].astype(float) * scale).round()})
        start = start.merge(curve, on=["curve_date", key])
        end = rows.assign(**{key: (rows["end_tenor_years"].astype(float) * scale).round()})
        end = end.merge(curve, on=["curve_date", key])
        return start.merge(end, on=["curve_date", "forward_code"], suffixes=("_s", "_e"))

    d = legs(di1, "tenor_bd", 252, forwards[forwards["curve_code"] == "DI1"])
    years = d["end_tenor_years_s"].astype(float) - d["start_tenor_years_s"].astype(float)
    expected = ((d["discount_factor_s"] / d["discount_factor_e"]) ** (1 / years) - 1) * 100
    assert_allclose(d["forward_rate_pct_s"], expected, rtol=1e-10)
    # Compounding check: (1 + r_end)^T_end = (1 + r_start)^T_start (1 + f)^(T_end - T_start).
    t_s, t_e = d["start_tenor_years_s"].astype(float), d["end_tenor_years_s"].astype(float)
    grown = (1 + d["rate_pct_s"] / 100) ** t_s * (1 + d["forward_rate_pct_s"] / 100) ** (t_e - t_s)
    assert_allclose(grown, (1 + d["rate_pct_e"] / 100) ** t_e, rtol=1e-10)
    # The sample's DI1 stops short of 10 years: no 5y5y rather than an extrapolated one.
    assert set(d["forward_code"]) == {"1y1y", "2y1y", "2y3y"}

    u = legs(ust, "tenor_months", 12, forwards[forwards["curve_code"] == "UST"])
    years = u["end_tenor_years_s"].astype(float) - u["start_tenor_years_s"].astype(float)
    expected = (
        2 * ((u["discount_factor_s"] / u["discount_factor_e"]) ** (1 / (2 * years)) - 1) * 100
    )
    assert_allclose(u["forward_rate_pct_s"], expected, rtol=1e-10)
    assert set(u["forward_code"]) == {"1y1y", "2y1y", "5y5y", "10y10y"}
    n_dates = ust.loc[ust["tenor_months"] == 240, "curve_date"].nunique()
    assert (u["forward_code"] == "10y10y").sum() == n_dates


# --- Point in time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mart", "date_col", "inputs", "zone"),
    [
        pytest.param(
            "gold.fct_di1_curve_contracts",
            "trade_date",
            "select trade_date as d, known_at from silver.stg_b3__di1_settlements "
            "where business_days_to_maturity > 0",
            SAO_PAULO,
            id="di1_contracts",
        ),
        pytest.param(
            "gold.fct_di1_curve_tenors",
            "trade_date",
            "select trade_date as d, known_at from silver.stg_b3__di1_settlements "
            "where business_days_to_maturity > 0",
            SAO_PAULO,
            id="di1_tenors",
        ),
        pytest.param(
            "gold.fct_br_government_curves",
            "curve_date",
            "select reference_date as d, known_at from silver.stg_anbima__tpf_indicative_rates "
            "where bond_type in ('LTN', 'NTN-F', 'NTN-B')",
            SAO_PAULO,
            id="br_government",
        ),
        pytest.param(
            "gold.fct_ust_curve_tenors",
            "curve_date",
            "select curve_date as d, known_at from silver.stg_treasury__par_yields",
            NEW_YORK,
            id="ust",
        ),
    ],
)
def test_curve_rows_are_known_by_the_end_of_their_date(
    gold_engine, mart, date_col, inputs, zone
) -> None:
    """Where every input of a date has a same-day vintage, no row of that date is later."""
    vintages = read(gold_engine, inputs)
    close = vintages["d"].map(lambda d: end_of_day(d, zone))
    vintages["same_day"] = pd.to_datetime(vintages["known_at"], utc=True) < close
    # A date qualifies when none of its inputs arrived only later (sample: every date).
    covered = vintages.groupby("d")["same_day"].all()
    rows = read(gold_engine, f"select {date_col} as d, known_at from {mart}")
    rows = rows[rows["d"].map(covered).fillna(False).astype(bool)]
    assert len(rows) > 0
    late = pd.to_datetime(rows["known_at"], utc=True) >= rows["d"].map(
        lambda d: end_of_day(d, zone)
    )
    assert not late.any(), rows[late].head()
