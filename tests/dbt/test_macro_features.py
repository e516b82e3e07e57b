"""gold.fct_macro_features against brute-force pandas recomputations, point in time.

For a feature built from one series, the mart's view as of t (the latest vintage with
known_at <= t per observation) must equal the feature recomputed in pandas from the series as
known at t, at every time t the series changed (the mart's known_at are input known_at, so the
two step functions can only differ at those times). That also proves the PIT property: a row
that used an input not yet known at its known_at would differ from the recomputation there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import SHARED_DATA, fresh_database

pytestmark = pytest.mark.slow
MACRO = str(Path(sys.executable).with_name("macro"))
MACRO_MODELS = "path:models/intermediate/macro"

Feature = Callable[[pd.Series], pd.Series]


def _observations(engine: Engine, series_id: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            text(
                "select observation_date, value, known_at from gold.fct_observations "
                "where series_id = :s"
            ),
            conn,
            params={"s": series_id},
        )


def _features(engine: Engine, feature_id: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            text(
                "select observation_date, value, known_at from gold.fct_macro_features "
                "where feature_id = :f"
            ),
            conn,
            params={"f": feature_id},
        )


def _as_of(vintages: pd.DataFrame, t: pd.Timestamp) -> pd.DataFrame:
    """Latest vintage with known_at <= t of each observation_date (value, known_at by date)."""
    known = vintages[vintages["known_at"] <= t].sort_values("known_at")
    return known.groupby("observation_date")[["value", "known_at"]].last()


def _monthly(values: pd.Series) -> pd.Series:
    """On a gap-free monthly PeriodIndex (missing months NaN), so shift(k) is k months."""
    index = pd.PeriodIndex(pd.to_datetime(values.index), freq="M")
    series = pd.Series(values.to_numpy(), index=index)
    return series.reindex(pd.period_range(index.min(), index.max(), freq="M"))


def compounded_12m(x: pd.Series) -> pd.Series:
    return ((1 + x / 100).rolling(12).apply(np.prod, raw=True) - 1) * 100


def seasonal_factor(x: pd.Series) -> pd.Series:
    """Mean of the same month's deviation from its trailing 12m mean, 1 to 5 years back;
    known a year ahead, so the result runs 12 months past the data."""
    x = x.reindex(pd.period_range(x.index.min(), x.index.max() + 12, freq="M"))
    deviation = x - x.rolling(12).mean()
    years = pd.concat([deviation.shift(12 * k) for k in range(1, 6)], axis=1)
    enough = (years.notna().sum(axis=1) >= 3) & years.iloc[:, 0].notna()
    return years.mean(axis=1).where(enough)


def saar_3m(x: pd.Series) -> pd.Series:
    sa = x - seasonal_factor(x).reindex(x.index)
    return ((1 + sa / 100).rolling(3).apply(np.prod, raw=True) ** 4 - 1) * 100


def index_growth(months: int) -> Feature:
    def growth(level: pd.Series) -> pd.Series:
        return ((level / level.shift(months)) ** (12 / months) - 1) * 100

    return growth


def _assert_pit_matches(vintages: pd.DataFrame, rows: pd.DataFrame, feature: Feature) -> int:
    """The mart's PIT view equals `feature` of the series as known, at every input time."""
    times = sorted(vintages["known_at"].unique())
    assert set(rows["known_at"]) <= set(times), "a feature known_at is no input's known_at"
    n_checked = 0
    for t in times:
        known = _monthly(_as_of(vintages, t)["value"])
        expected = feature(known).dropna()
        actual = _as_of(rows, t)["value"]
        actual.index = pd.PeriodIndex(pd.to_datetime(actual.index), freq="M")
        assert list(actual.index) == list(expected.index), f"months differ as of {t}"
        assert_allclose(actual.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-8)
        n_checked += len(actual)
    return n_checked


def test_ipca_12m_matches_pandas_as_of_every_release(gold_engine) -> None:
    vintages = _observations(gold_engine, "bcb_sgs__433")
    rows = _features(gold_engine, "ipca_12m")
    assert len(rows) > 100
    assert _assert_pit_matches(vintages, rows, compounded_12m) > 1000


def test_ipca_12m_known_at_is_the_newest_input_used(gold_engine) -> None:
    vintages = _observations(gold_engine, "bcb_sgs__433")
    rows = _features(gold_engine, "ipca_12m")
    for row in rows.itertuples():
        window = pd.date_range(end=row.observation_date, periods=12, freq="MS").date
        used = _as_of(vintages, row.known_at).reindex(window)
        assert used["value"].notna().all()
        assert used["known_at"].max() == row.known_at


def test_ipca_3m_saar_and_factors_match_pandas(gold_engine) -> None:
    vintages = _observations(gold_engine, "bcb_sgs__433")
    assert _assert_pit_matches(vintages, _features(gold_engine, "ipca_3m_saar"), saar_3m) > 1000
    factors = _features(gold_engine, "ipca_seasonal_factor")
    assert _assert_pit_matches(vintages, factors, seasonal_factor) > 1000


@pytest.mark.parametrize(
    ("feature_id", "months"),
    [("us_cpi_12m", 12), ("us_cpi_3m_saar", 3), ("us_core_pce_12m", 12)],
)
def test_us_index_growth_matches_pandas_across_revisions(gold_engine, feature_id, months) -> None:
    series_id = "fred__PCEPILFE" if "pce" in feature_id else "fred__CPIAUCSL"
    vintages = _observations(gold_engine, series_id)
    assert vintages.duplicated("observation_date").any(), "the sample revises FRED indexes"
    rows = _features(gold_engine, feature_id)
    assert rows.duplicated("observation_date").any(), "revisions give new feature vintages"
    assert _assert_pit_matches(vintages, rows, index_growth(months)) > 1000


def test_ipca_12m_matches_sgs_13522(gold_engine) -> None:
    """Each release of the published 12m (rounded to 2 decimals) against ours as of then."""
    published = _observations(gold_engine, "bcb_sgs__13522")
    ours = _features(gold_engine, "ipca_12m")
    n_compared = 0
    for row in published.itertuples():
        mine = _as_of(ours, row.known_at).reindex([row.observation_date]).iloc[0]
        if pd.isna(mine["value"]):  # the first 11 months have no 12m of ours
            continue
        assert mine["value"] == pytest.approx(row.value, abs=0.01), row.observation_date
        assert mine["known_at"] == row.known_at
        n_compared += 1
    assert n_compared > 100


def test_focus_revision_matches_pandas(gold_engine) -> None:
    vintages = _observations(gold_engine, "bcb_focus__ipca_12m_median")
    rows = _features(gold_engine, "focus_ipca_12m_median_rev_4w")
    assert len(rows) > 400
    for row in rows.itertuples():
        known = _as_of(vintages, row.known_at)
        reference = known.loc[: row.observation_date - timedelta(days=28)].iloc[-1]
        current = known.loc[row.observation_date]
        assert row.value == pytest.approx(current["value"] - reference["value"], abs=1e-9)
        assert row.known_at == max(current["known_at"], reference["known_at"])


def test_real_rate_uses_focus_known_at_the_close(gold_engine) -> None:
    with gold_engine.connect() as conn:
        di = pd.read_sql(
            text(
                "select trade_date, rate_pct, known_at from gold.fct_di1_curve_tenors "
                "where tenor_bd = 252"
            ),
            conn,
        ).set_index("trade_date")
    focus = _observations(gold_engine, "bcb_focus__ipca_12m_median")
    rows = _features(gold_engine, "real_rate_ex_ante_1y")
    assert len(rows) > 200
    for row in rows.itertuples():
        close = di.loc[row.observation_date]
        survey = _as_of(focus, close["known_at"]).iloc[-1]
        expected = ((1 + close["rate_pct"] / 100) / (1 + survey["value"] / 100) - 1) * 100
        assert row.value == pytest.approx(expected, abs=1e-9)
        assert row.known_at == close["known_at"] >= survey["known_at"]


# Published IPCA, December over December (IBGE), and whether the year ended outside the band
# (the governor's open letters: 2015, 2021 and 2022 above, 2017 below).
IPCA_YEARS = {
    2010: 5.91, 2011: 6.50, 2012: 5.84, 2013: 5.91, 2014: 6.41, 2015: 10.67, 2016: 6.29,
    2017: 2.95, 2018: 3.75, 2019: 4.31, 2020: 4.52, 2021: 10.06, 2022: 5.79, 2023: 4.62,
}  # fmt: skip
ABOVE_BAND = {2015, 2021, 2022}
BELOW_BAND = {2017}


@pytest.mark.realdata
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")
def test_real_ipca_12m_matches_published_years(pg, tmp_path) -> None:
    url = fresh_database(pg, f"{os.environ['MACRO_DB_NAME']}_macro_real")
    shutil.copy(SHARED_DATA / "bcb_sgs__433.csv", tmp_path)
    env = {**os.environ, "MACRO_DB_NAME": make_url(url).database}
    for args in (
        ["ingest", "--from-csv", str(tmp_path)],
        ["dbt", "seed", "--quiet"],
        ["dbt", "run", "--quiet", "--select", "+fct_macro_features"],
        ["dbt", "test", "--quiet", "--select", "fct_macro_features", MACRO_MODELS],
    ):
        proc = subprocess.run([MACRO, *args], env=env, capture_output=True, text=True)
        assert proc.returncode == 0, " ".join(args) + "\n" + proc.stdout + proc.stderr
    engine = create_engine(url)
    try:
        ipca = _features(engine, "ipca_12m").set_index("observation_date")["value"]
        above = _features(engine, "ipca_12m_above_target_band").set_index("observation_date")
        below = _features(engine, "ipca_12m_below_target_band").set_index("observation_date")
    finally:
        engine.dispose()
    for year, published in IPCA_YEARS.items():
        december = date(year, 12, 1)
        assert ipca[december] == pytest.approx(published, abs=0.01), year
        if year >= 2012:  # the target seed starts in 2012
            assert above.loc[december, "value"] == (year in ABOVE_BAND), year
            assert below.loc[december, "value"] == (year in BELOW_BAND), year
