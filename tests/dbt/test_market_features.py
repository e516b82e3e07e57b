"""gold.fct_market_features against pandas, point in time, and incremental = full refresh.

The pandas reference restates the rules from the model's documentation, reading only the
business-day panel: returns between consecutive fresh observations on each series' own
sessions, 21/63-session realised volatility (sample std, sqrt(252), 80 % of the window filled),
252-session z-scores. The PIT test adds vintages to bronze in a copy of the gold database and
rebuilds incrementally: nothing dated before the new vintage was known may change, and the
incremental result must equal a full refresh of the same inputs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import psycopg
import pytest
from numpy.testing import assert_allclose
from pandas.testing import assert_frame_equal
from sqlalchemy import Engine, create_engine, text

from macro_models.dbt_runner import run_dbt
from tests.conftest import GOLD_DB

pytestmark = pytest.mark.slow

PRICE_SOURCES = {"yahoo", "b3_index", "bcb_ptax"}
PRICE_SERIES = {
    "bcb_sgs__1",
    "bcb_sgs__21619",
    "fred__SP500",
    "fred__DCOILWTICO",
    "fred__DCOILBRENTEU",
    "fred__DTWEXBGS",
}
KEY = ["calendar_code", "feature_date", "feature_id"]
AUDIT = ["panel_loaded_through", "built_at"]
MARKET_MODELS = [
    "fct_observations",
    "fct_business_day_panel",
    "fct_di1_curve_tenors",
    "int_market__returns_computed",
    "int_market__curve_spreads_computed",
    "int_market__carries_computed",
    "int_market__levels_selected",
    "fct_market_features",
]


def _own_calendar_panel(engine: Engine, where: str) -> pd.DataFrame:
    """Panel rows on each series' own sessions, with the session number."""
    sql = f"""
        select p.calendar_code, p.panel_date, p.series_id, p.value, p.observation_date,
               p.known_at, c.business_day_number as session
        from gold.fct_business_day_panel p
        join gold.dim_series s on s.series_id = p.series_id and s.calendar = p.calendar_code
        join gold.dim_calendar_days c
          on c.calendar_code = p.calendar_code and c.calendar_date = p.panel_date
        where {where}
        order by p.calendar_code, p.series_id, p.panel_date
    """
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


def _features(engine: Engine, where: str = "true") -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(text(f"select * from gold.fct_market_features where {where}"), conn)
    return frame.sort_values(KEY).reset_index(drop=True)


def reference_returns(panel: pd.DataFrame) -> pd.DataFrame:
    """ln(v / v_prev) where today shows a new observation and yesterday's was fresh."""
    g = panel.groupby(["calendar_code", "series_id"], sort=False)
    prev_value = g["value"].shift(1)
    prev_obs = g["observation_date"].shift(1)
    prev_session = g["session"].shift(1)
    ok = (
        (panel["session"] - prev_session == 1)
        & (panel["observation_date"] > prev_obs)
        & (panel["value"] > 0)
        & (prev_value > 0)
    )
    out = panel.loc[ok, ["calendar_code", "panel_date", "series_id", "session"]].copy()
    out["log_return"] = np.log(panel.loc[ok, "value"] / prev_value[ok])
    return out


def rolling_on_sessions(frame: pd.DataFrame, column: str, by: str, window: int) -> pd.DataFrame:
    """Rolling count / mean / sample std over the last `window` sessions (gaps count)."""
    parts = []
    for _, one in frame.groupby(["calendar_code", by], sort=False):
        grid = one.set_index("session")[column]
        full = grid.reindex(range(grid.index.min(), grid.index.max() + 1))
        roll = full.rolling(window, min_periods=1)
        stats = pd.DataFrame({"n": roll.count(), "mean": roll.mean(), "std": roll.std(ddof=1)}).loc[
            grid.index
        ]
        parts.append(one.assign(**{k: v.to_numpy() for k, v in stats.items()}))
    return pd.concat(parts, ignore_index=True)


def _compare(expected: pd.DataFrame, actual: pd.DataFrame, feature_name: str) -> int:
    got = actual[actual["feature_name"] == feature_name]
    expected = expected[["calendar_code", "feature_date", "subject_id", "expected"]]
    merged = expected.merge(
        got, how="outer", on=["calendar_code", "feature_date", "subject_id"], indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert_allclose(merged["value"], merged["expected"], rtol=1e-9, atol=1e-12)
    return len(merged)


@pytest.fixture(scope="module")
def price_panel(gold_engine) -> pd.DataFrame:
    with gold_engine.connect() as conn:
        series = pd.read_sql(text("select series_id, source from gold.dim_series"), conn)
    prices = series[series["source"].isin(PRICE_SOURCES) | series["series_id"].isin(PRICE_SERIES)]
    ids = ", ".join(f"'{s}'" for s in prices["series_id"])
    return _own_calendar_panel(gold_engine, f"p.series_id in ({ids})")


def test_returns_vol_and_return_zscore_match_pandas(gold_engine, price_panel) -> None:
    features = _features(
        gold_engine,
        "feature_name in ('log_return', 'realized_vol_21d', "
        "'realized_vol_63d', 'return_zscore_252d')",
    )
    returns = reference_returns(price_panel)
    assert returns["series_id"].nunique() >= 15, "the sample has prices on both markets"
    expected = returns.rename(columns={"panel_date": "feature_date", "series_id": "subject_id"})
    checked = _compare(expected.assign(expected=expected["log_return"]), features, "log_return")
    for window, min_count in ((21, 17), (63, 51)):
        stats = rolling_on_sessions(returns, "log_return", "series_id", window)
        stats = stats[stats["n"] >= min_count].rename(
            columns={"panel_date": "feature_date", "series_id": "subject_id"}
        )
        stats["expected"] = stats["std"] * np.sqrt(252)
        checked += _compare(stats, features, f"realized_vol_{window}d")
    stats = rolling_on_sessions(returns, "log_return", "series_id", 252)
    stats = stats[stats["n"] >= 202].rename(
        columns={"panel_date": "feature_date", "series_id": "subject_id"}
    )
    stats["expected"] = (stats["log_return"] - stats["mean"]) / stats["std"]
    checked += _compare(stats, features, "return_zscore_252d")
    assert checked > 150_000


def test_forward_filled_and_stale_sessions_give_no_return(gold_engine, price_panel) -> None:
    returns = _features(gold_engine, "feature_name = 'log_return'")
    panel = price_panel.rename(columns={"panel_date": "feature_date", "series_id": "subject_id"})
    joined = returns.merge(panel, on=["calendar_code", "feature_date", "subject_id"])
    assert len(joined) == len(returns)
    assert (joined["window_end_date"] == joined["observation_date"]).all()
    assert (joined["window_start_date"] < joined["window_end_date"]).all()
    # A session showing the same observation as the one before has no return row at all.
    g = panel.groupby(["calendar_code", "subject_id"])
    filled = panel[panel["observation_date"] == g["observation_date"].shift(1)]
    assert len(filled) > 0
    clash = filled.merge(returns, on=["calendar_code", "feature_date", "subject_id"])
    assert clash.empty


def test_level_zscores_match_pandas(gold_engine) -> None:
    levels = _own_calendar_panel(
        gold_engine, "p.series_id in ('fred__DGS10', 'fred__VIXCLS') and p.value is not null"
    )
    with gold_engine.connect() as conn:
        derived = pd.read_sql(
            text(
                "select calendar_code, level_date as panel_date, subject_id as series_id, "
                "value, session_number as session from silver.int_market__levels_selected "
                "where subject_id in ('ust_slope_2s10s', 'carry_cdi_vs_fed_funds')"
            ),
            conn,
        )
    frame = pd.concat([levels, derived], ignore_index=True)
    stats = rolling_on_sessions(frame, "value", "series_id", 252)
    stats = stats[stats["n"] >= 202].rename(
        columns={"panel_date": "feature_date", "series_id": "subject_id"}
    )
    stats["expected"] = (stats["value"] - stats["mean"]) / stats["std"]
    features = _features(
        gold_engine,
        "feature_name = 'level_zscore_252d' and subject_id in "
        "('fred__DGS10', 'fred__VIXCLS', 'ust_slope_2s10s', 'carry_cdi_vs_fed_funds')",
    )
    assert _compare(stats, features, "level_zscore_252d") > 8_000


def test_known_at_is_the_newest_input_of_the_window(gold_engine) -> None:
    with gold_engine.connect() as conn:
        worst = conn.execute(
            text(
                """
                with r as (
                    select calendar_code, series_id, panel_date, known_at,
                           max(known_at) over (
                               partition by calendar_code, series_id order by session_number
                               range between 251 preceding and current row
                           ) as window_known_at
                    from silver.int_market__returns_computed
                )
                select count(*) from r
                join gold.fct_market_features f
                  on f.calendar_code = r.calendar_code and f.feature_date = r.panel_date
                 and f.feature_id = 'realized_vol_252d.' || r.series_id
                where f.known_at <> r.window_known_at
                """
            )
        ).scalar_one()
    assert worst == 0


def test_carry_and_curve_features_are_published(gold_engine) -> None:
    features = _features(gold_engine, "feature_name = 'level'")
    subjects = set(features["subject_id"])
    assert {
        "carry_cdi_vs_fed_funds",
        "carry_selic_vs_fed_funds",
        "carry_usdbrl_fwd_1y",
        "di1_slope_1y_5y",
        "di1_slope_6m_2y",
        "di1_fly_1y_2y_5y",
        "ust_slope_2s10s",
        "ust_slope_3m10y",
        "ust_slope_5s30s",
        "ust_fly_2s5s10s",
    } <= subjects
    day = features[features["subject_id"] == "ust_slope_2s10s"]["feature_date"].max()
    panel = _own_calendar_panel(
        gold_engine,
        f"p.series_id in ('treasury__2Y', 'treasury__10Y') and p.panel_date = '{day}'",
    ).set_index("series_id")["value"]
    slope = features[
        (features["subject_id"] == "ust_slope_2s10s") & (features["feature_date"] == day)
    ]["value"].item()
    assert slope == pytest.approx((panel["treasury__10Y"] - panel["treasury__2Y"]) * 100)


# --- point in time and incremental builds, on a copy of the gold database -------------------

REVISED_DAY = date(2020, 6, 15)  # a BVSP close corrected the same evening
ZEROED_DAY = date(2022, 3, 10)  # a close corrected to 0: its returns must disappear
DI1_DAY = date(2024, 6, 14)  # a DI1 settlement corrected the same evening


@dataclass
class Rebuilt:
    before: pd.DataFrame
    incremental: pd.DataFrame
    full: pd.DataFrame


def _copy_gold(pg, name: str, gold_engine: Engine) -> str:
    gold_engine.dispose()  # a template must have no other sessions
    admin = pg.url("postgres").replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        for attempt in range(10):
            try:
                conn.execute(f'create database "{name}" template "{GOLD_DB}"')
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 9:
                    raise
                time.sleep(1)
    return pg.url(name)


BVSP_BAR = text(
    """
    insert into bronze.yahoo__daily_bars (series_code, symbol, bar_date, open, high, low, close,
        adj_close, volume, known_at, payload_sha256)
    select series_code, symbol, cast(:new_day as date), open, high, low, close * :factor,
           adj_close * :factor, volume,
           coalesce(cast(:known_at as timestamptz), known_at + interval '2 hours'), 'test'
    from bronze.yahoo__daily_bars
    where series_code = 'BVSP' and bar_date = :day
    order by known_at desc
    limit 1
    """
)
DI1_SETTLEMENT = text(
    """
    insert into bronze.b3__di1_settlements (trade_date, ticker, maturity_date, business_days,
        settlement_pu, previous_settlement_pu, variation, adjustment_value_brl,
        implied_rate_pct, known_at, payload_sha256)
    select trade_date, ticker, maturity_date, business_days, settlement_pu * 0.995,
           previous_settlement_pu, variation, adjustment_value_brl, implied_rate_pct,
           known_at + interval '1 hour', 'test'
    from bronze.b3__di1_settlements
    where trade_date = :day and ticker = 'DI1F29'
    order by known_at desc
    limit 1
    """
)


def _add_vintages(engine: Engine) -> None:
    """Plain inserts into bronze, as a loader would append new vintages."""
    last = date(2024, 12, 30)
    bars = [
        # Same-evening corrections (before São Paulo's midnight) reach their own session.
        {"day": REVISED_DAY, "new_day": REVISED_DAY, "factor": 1.05, "known_at": None},
        {"day": ZEROED_DAY, "new_day": ZEROED_DAY, "factor": 0.0, "known_at": None},
        # An old close revised years later: no longer the newest observation by then.
        {
            "day": date(2019, 3, 12),
            "new_day": date(2019, 3, 12),
            "factor": 0.9,
            "known_at": "2024-06-03 12:00+00",
        },
        # Two new sessions after the end of the sample.
        {
            "day": last,
            "new_day": date(2025, 1, 2),
            "factor": 1.01,
            "known_at": "2025-01-02 21:30+00",
        },
        {
            "day": last,
            "new_day": date(2025, 1, 3),
            "factor": 1.02,
            "known_at": "2025-01-03 21:30+00",
        },
    ]
    with engine.begin() as conn:
        for bar in bars:
            assert conn.execute(BVSP_BAR, bar).rowcount == 1
        assert conn.execute(DI1_SETTLEMENT, {"day": DI1_DAY}).rowcount == 1


def _run(url: str, *args: str) -> None:
    proc = run_dbt(["run", "--quiet", *args], url=url, capture=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def rebuilt(pg, gold_engine) -> Iterator[Rebuilt]:
    url = _copy_gold(pg, f"{GOLD_DB}_market", gold_engine)
    eng = create_engine(url)
    before = _features(eng)
    _add_vintages(eng)
    _run(url, "--select", *MARKET_MODELS)
    incremental = _features(eng)
    _run(url, "--full-refresh", "--select", "fct_market_features")
    full = _features(eng)
    yield Rebuilt(before, incremental, full)
    eng.dispose()
    with psycopg.connect(pg.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{GOLD_DB}_market" with (force)')


def test_incremental_build_equals_full_refresh(rebuilt) -> None:
    inc = rebuilt.incremental.drop(columns=AUDIT)
    full = rebuilt.full.drop(columns=AUDIT)
    assert len(inc) > len(rebuilt.before) * 0.99
    assert_frame_equal(inc, full, check_exact=True)


def test_later_vintages_never_change_earlier_features(rebuilt) -> None:
    before = rebuilt.before.drop(columns=AUDIT)
    after = rebuilt.incremental.drop(columns=AUDIT)
    first_change = min(REVISED_DAY, DI1_DAY)
    early = before[before["feature_date"] < first_change].reset_index(drop=True)
    assert_frame_equal(early, after[after["feature_date"] < first_change].reset_index(drop=True))
    # The corrections do show from their own session on.
    merged = before.merge(after, on=KEY, how="outer", suffixes=("_before", "_after"))
    changed = merged[merged["value_before"].ne(merged["value_after"])]
    assert changed["feature_date"].min() == first_change
    # …and are dated no earlier than the correction itself became known.
    corrected_at = pd.Timestamp(f"{REVISED_DAY} 23:30", tz="UTC")
    assert (changed["known_at_after"].dropna() >= corrected_at).all()
    on_day = changed[changed["feature_date"] == REVISED_DAY]["feature_id"]
    assert "log_return.yahoo__BVSP" in set(on_day)
    di1 = changed[changed["feature_date"] == DI1_DAY]["feature_id"]
    assert "level.di1_slope_1y_5y" in set(di1)


def test_a_correction_to_zero_removes_its_returns(rebuilt) -> None:
    after = rebuilt.incremental
    rows = after[
        (after["feature_id"] == "log_return.yahoo__BVSP") & (after["feature_date"] == ZEROED_DAY)
    ]
    assert rows.empty
    before = rebuilt.before
    assert not before[
        (before["feature_id"] == "log_return.yahoo__BVSP") & (before["feature_date"] == ZEROED_DAY)
    ].empty


def test_appended_sessions_get_features(rebuilt) -> None:
    new = rebuilt.incremental[rebuilt.incremental["feature_date"] > date(2024, 12, 31)]
    assert "log_return.yahoo__BVSP" in set(new["feature_id"])
    assert "realized_vol_21d.yahoo__BVSP" in set(new["feature_id"])
