"""The curve marts on the real shared history (../shared/data), against outside yardsticks.

B3's own DI x pre reference curve (built from the same DI1 settlements) for the DI1 curve, the
Focus survey's 12-month IPCA expectation for the 1-year breakeven, and the numpy bootstraps of
tests/dbt/test_curves.py on 2007-2023 ANBIMA rates and FRED's H.15 par yields.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from tests.conftest import SHARED_DATA, fresh_database
from tests.dbt.test_curves import (
    business_days,
    flat_forward,
    government_reference,
    read,
    ust_reference,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.realdata,
    pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent"),
]
MACRO = str(Path(sys.executable).with_name("macro"))
CURVE_MARTS = ["+fct_curve_forwards", "+fct_br_government_curves", "+fct_di1_curve_contracts"]


def _macro(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MACRO_DB_NAME": db}
    return subprocess.run([MACRO, *args], env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def real_engine(pg) -> Iterator[Engine]:
    """The shared history loaded as CSV, and the curve marts built with all their tests."""
    url = fresh_database(pg, f"{os.environ['MACRO_DB_NAME']}_curves_real")
    db = make_url(url).database
    ingest = _macro(db, "ingest", "--from-csv", str(SHARED_DATA))
    assert ingest.returncode == 0, ingest.stderr
    # cautious: tests of other marts that read a curve are left out with their marts.
    build = _macro(
        db, "dbt", "build", "--quiet", "--indirect-selection", "cautious", "--select", *CURVE_MARTS
    )
    assert build.returncode == 0, build.stdout + build.stderr
    engine = create_engine(url)
    yield engine
    engine.dispose()


def test_di1_curve_matches_b3_reference_curve(real_engine) -> None:
    """B3's DI x pre curve interpolates the same settlements: within a few hundredths of a %."""
    reference = pd.read_csv(SHARED_DATA / "b3__yield_curve_pre.csv", parse_dates=["date"])
    contracts = read(
        real_engine,
        "select trade_date, business_days_to_maturity as du, discount_factor "
        "from gold.fct_di1_curve_contracts order by trade_date, du",
    )
    contracts["trade_date"] = pd.to_datetime(contracts["trade_date"])
    compared = 0
    for day, vertices in reference.groupby("date"):
        curve = contracts[contracts["trade_date"] == day]
        if curve.empty:
            continue
        # B3 starts its curve at the overnight CDI; ours at DF(0) = 1: compare from a month.
        vertices = vertices[vertices["tenor_days"] >= 21]
        t = vertices["tenor_days"].to_numpy(float)
        ln_df = flat_forward(
            curve["du"].to_numpy(float), np.log(curve["discount_factor"].to_numpy()), t
        )
        ours = (np.exp(-ln_df * 252 / t) - 1) * 100
        diff_bp = (ours - vertices["value"].to_numpy()) * 100
        diff_bp = diff_bp[~np.isnan(diff_bp)]
        assert len(diff_bp) > 150
        assert np.abs(diff_bp).mean() < 2 and np.abs(diff_bp).max() < 5, (day, diff_bp)
        compared += 1
    assert compared == 2  # 2021-01-04 and 2022-01-03 fall on DI1 sample dates


def test_one_year_breakeven_tracks_focus_expectations(real_engine) -> None:
    """The 1y breakeven and the Focus 12-month IPCA median: same story, a small premium."""
    breakevens = read(
        real_engine,
        "select curve_date, breakeven_pct from gold.fct_br_government_curves where tenor_bd = 252",
    )
    breakevens["curve_date"] = pd.to_datetime(breakevens["curve_date"])
    focus = pd.read_csv(SHARED_DATA / "bcb_focus__ipca_12m_median.csv", parse_dates=["date"])
    joined = breakevens.merge(focus, left_on="curve_date", right_on="date")
    assert len(joined) > 3000
    assert joined["breakeven_pct"].corr(joined["value"]) > 0.8
    assert abs((joined["breakeven_pct"] - joined["value"]).mean()) < 1


def test_government_curves_match_numpy_on_real_history(real_engine) -> None:
    national = business_days(real_engine)
    days = read(real_engine, "select distinct curve_date from gold.fct_br_government_curves")
    rng = np.random.default_rng(2007)
    for day in rng.choice(days["curve_date"].to_numpy(), 12, replace=False):
        ref = government_reference(real_engine, day, national)
        mart = read(
            real_engine,
            "select tenor_bd, nominal_rate_pct, real_rate_pct "
            "from gold.fct_br_government_curves where curve_date = :d",
            d=day,
        ).merge(ref, on="tenor_bd", how="right")
        assert_allclose(mart["nominal_rate_pct"], mart["nominal_ref"], atol=1e-9, equal_nan=True)
        assert_allclose(mart["real_rate_pct"], mart["real_ref"], atol=1e-9, equal_nan=True)


def test_ust_curve_comes_from_fred_without_a_treasury_feed(real_engine) -> None:
    mart = read(real_engine, "select * from gold.fct_ust_curve_tenors")
    assert set(mart["source_code"]) == {"fred"}
    bootstrapped = mart[mart["zero_rate_pct"].notna() & (mart["tenor_months"] >= 12)]
    assert pd.to_datetime(bootstrapped["curve_date"]).dt.year.min() <= 2005
    par = read(
        real_engine,
        "select curve_date, tenor_months, yield_decimal * 100 as yield_pct "
        "from silver.int_ust__par_yields_selected",
    )
    for day in bootstrapped["curve_date"].drop_duplicates().sample(20, random_state=5):
        ref = ust_reference(par[par["curve_date"] == day].sort_values("tenor_months"))
        rows = bootstrapped[bootstrapped["curve_date"] == day].merge(ref, on="tenor_months")
        assert_allclose(rows["discount_factor"], rows["df_ref"], rtol=1e-10)
