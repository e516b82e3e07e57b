"""The loader over every gold family, on the sample gold database: what it returns was known
at the cut-off, and data known later never changes the answer for an earlier date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from sqlalchemy import text

from macro_models.pit import PointInTimeLoader, as_of_cutoff

pytestmark = pytest.mark.slow

COLUMNS = [
    "bcb_sgs__433",
    "macro:ipca_12m",
    "market:realized_vol_21d.yahoo__BVSP",
    "panel:fred__DGS10",
    "di1:252",
    "br_breakeven:504",
    "ust_zero:10Y",
    "fwd:DI1.1y1y",
]
WINDOW = (date(2022, 1, 1), date(2024, 12, 31))
# Data known only after LATE, dated inside the window: a new vintage in each vintaged table,
# and rows on a day that had none (a Sunday) in the daily tables.
LATE = datetime(2024, 7, 1, 12, tzinfo=UTC)
INSERTS = {
    "fct_observations": "insert into gold.fct_observations (series_id, observation_date, value, "
    "known_at, loaded_at, is_latest_vintage, vintage_number) "
    "values ('bcb_sgs__433', '2023-03-01', 99, :k, :k, true, 9)",
    "fct_macro_features": "insert into gold.fct_macro_features (feature_id, observation_date, "
    "value, unit, known_at, is_latest_vintage, vintage_number) "
    "values ('ipca_12m', '2023-03-01', 99, '% 12m', :k, true, 9)",
    "fct_market_features": "insert into gold.fct_market_features (calendar_code, feature_date, "
    "feature_id, value, known_at) "
    "values ('B3', '2024-01-07', 'realized_vol_21d.yahoo__BVSP', 99, :k)",
    "fct_di1_curve_tenors": "insert into gold.fct_di1_curve_tenors (trade_date, tenor_bd, "
    "rate_pct, known_at) values ('2024-01-07', 252, 99, :k)",
}
LATE_CELLS = [
    ("2023-03-01", "bcb_sgs__433"),
    ("2023-03-01", "macro:ipca_12m"),
    ("2024-01-07", "market:realized_vol_21d.yahoo__BVSP"),
    ("2024-01-07", "di1:252"),
]


@pytest.fixture(scope="module")
def loader(gold_engine) -> PointInTimeLoader:
    return PointInTimeLoader(gold_engine)


def test_every_family_loads_with_known_at_before_the_cutoff(loader) -> None:
    as_of = date(2024, 6, 28)
    frame = loader.load(COLUMNS, *WINDOW, as_of)
    assert list(frame.columns) == COLUMNS
    assert frame.index.max() <= pd.Timestamp(as_of)
    cutoff = as_of_cutoff(as_of)
    for column in COLUMNS:
        assert frame[column].notna().sum() > 0, column
        assert frame.attrs["known_at"][column] < cutoff, column
    assert frame.attrs["stale"] == []


def test_unknown_family_and_missing_ids_are_named(loader) -> None:
    with pytest.raises(ValueError, match="unknown column family 'nope'"):
        loader.load(["nope:x"], *WINDOW, date(2024, 6, 28))
    with pytest.raises(ValueError, match=r"di1:999, macro:no_such_feature"):
        loader.load(["macro:no_such_feature", "di1:999", "di1:252"], *WINDOW, date(2024, 6, 28))


def test_stale_columns_are_listed(loader) -> None:
    # Ten days after the sample ends: daily market data is past its limit, IPCA is not.
    frame = loader.load(["panel:fred__DGS10", "bcb_sgs__433"], *WINDOW, date(2025, 1, 10))
    assert frame.attrs["stale"] == ["panel:fred__DGS10"]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(days_before=st.integers(min_value=0, max_value=170))  # DI1 sample starts 2024-01-02
def test_data_known_later_never_changes_an_earlier_answer(gold_engine, loader, days_before) -> None:
    as_of = date(2024, 6, 28) - timedelta(days=days_before)
    baseline = loader.load(COLUMNS, WINDOW[0], as_of, as_of)
    with gold_engine.begin() as conn:
        for sql in INSERTS.values():
            conn.execute(text(sql), {"k": LATE})
    try:
        assert_frame_equal(baseline, loader.load(COLUMNS, WINDOW[0], as_of, as_of))
        later = loader.load(COLUMNS, WINDOW[0], as_of, LATE + timedelta(seconds=1))
        for day, column in LATE_CELLS:
            assert later.loc[day, column] == 99, column
    finally:
        with gold_engine.begin() as conn:
            for table in INSERTS:
                value = "rate_pct" if table == "fct_di1_curve_tenors" else "value"
                conn.execute(
                    text(f"delete from gold.{table} where known_at = :k and {value} = 99"),
                    {"k": LATE},
                )
