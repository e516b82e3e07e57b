"""Late vintages, incremental builds and the point-in-time answer, on a small real database.

Two series go in through the real CSV loader (IPCA monthly, Ibovespa daily); revisions go in
through the same loader with a fetch time in the past, i.e. vintages that arrive late but were
known long ago. The incremental build must equal a full refresh, and a revision may change an
answer only from its known_at on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import TEST_DB, fresh_database

pytestmark = pytest.mark.slow

MODELS = ["fct_observations", "fct_business_day_panel"]
# June 2020 IPCA revised in September; August 2020 (the newest release then) revised on 20 Sep.
OLD_REVISION = ("2020-06-01", 0.99, datetime(2020, 9, 15, 15, tzinfo=UTC))
NEW_REVISION = ("2020-08-01", 0.77, datetime(2020, 9, 20, 15, tzinfo=UTC))


def _write_csvs(folder) -> None:
    months = pd.date_range("2019-01-01", "2021-06-01", freq="MS")
    ipca = pd.DataFrame(
        {"date": months.date, "value": [0.1 + 0.01 * i for i in range(len(months))]}
    )
    ipca.to_csv(folder / "bcb_sgs__433.csv", index=False)
    from macro_models.calendars import business_days

    days = business_days(date(2020, 1, 2), date(2021, 6, 30), "B3")
    bvsp = pd.DataFrame({"date": days, "value": [100000 + 10 * i for i in range(len(days))]})
    bvsp.to_csv(folder / "yahoo__BVSP.csv", index=False)


def _load_revision(engine, folder, observation: str, value: float, fetched_at: datetime) -> None:
    from macro_models.connectors.load import load_payload
    from macro_models.connectors.tidy_csv import csv_fetcher_for, csv_payload

    path = folder / "revision" / "bcb_sgs__433.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"date,value\n{observation},{value}\n")
    payload = replace(csv_payload(path), fetched_at=fetched_at)
    assert load_payload(engine, csv_fetcher_for("bcb_sgs"), payload).rows_added == 1


def _dbt(url: str, *args: str) -> None:
    from macro_models.dbt_runner import run_dbt

    proc = run_dbt(list(args), url=url, capture=True)
    assert proc.returncode == 0, proc.stdout[-3000:]


def _snapshot(engine) -> dict[str, pd.DataFrame]:
    with engine.connect() as conn:
        obs = pd.read_sql(
            text(
                "select series_id, observation_date, value, known_at, is_latest_vintage, "
                "vintage_number from gold.fct_observations order by 1, 2, 4"
            ),
            conn,
        )
        panel = pd.read_sql(
            text(
                "select calendar_code, panel_date, series_id, value, observation_date, "
                "staleness_days, is_stale, known_at from gold.fct_business_day_panel "
                "order by 1, 2, 3"
            ),
            conn,
        )
    return {"observations": obs, "panel": panel}


def _as_of(engine, as_of: datetime) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            text(
                "select series_id, observation_date, value, known_at "
                "from gold.observations_as_of(:t) order by 1, 2"
            ),
            conn,
            params={"t": as_of},
        )


@pytest.fixture(scope="module")
def small_gold(pg, tmp_path_factory):
    from macro_models.connectors.ingest import ingest_csv_file

    url = fresh_database(pg, f"{TEST_DB}_incr")
    engine = create_engine(url)
    folder = tmp_path_factory.mktemp("incr_csv")
    _write_csvs(folder)
    for path in sorted(folder.glob("*.csv")):
        ingest_csv_file(engine, path)
    # Cautious: tests that also read unselected models (dim_instruments) stay out.
    _dbt(
        url,
        "build",
        "--select",
        "+fct_business_day_panel",
        "--exclude",
        "test_type:unit",
        "--indirect-selection",
        "cautious",
    )
    yield url, engine, folder
    engine.dispose()


def test_late_vintages_build_incrementally_as_a_full_refresh_would(small_gold) -> None:
    url, engine, folder = small_gold
    sweep = [datetime(2020, 9, 1, tzinfo=UTC) + timedelta(days=d) for d in range(0, 60, 2)]
    before = {t: _as_of(engine, t) for t in sweep}
    panel_before = _snapshot(engine)["panel"]

    _load_revision(engine, folder, *OLD_REVISION)
    _load_revision(engine, folder, *NEW_REVISION)
    _dbt(url, "run", "--select", *MODELS)
    incremental = _snapshot(engine)
    _dbt(url, "run", "--full-refresh", "--select", *MODELS)
    full = _snapshot(engine)
    for name in full:
        pd.testing.assert_frame_equal(incremental[name], full[name], check_exact=True)

    # The PIT function: a revision changes the answer only from its known_at, only its own row.
    revisions = {date.fromisoformat(d): (v, k) for d, v, k in (OLD_REVISION, NEW_REVISION)}
    for t in sweep:
        after = _as_of(engine, t)
        assert (after["known_at"] <= t).all(), f"as of {t}: a vintage known later was returned"
        merged = before[t].merge(after, on=["series_id", "observation_date"], suffixes=("_0", "_1"))
        assert len(merged) == len(before[t]) == len(after)
        changed = merged[merged["value_0"] != merged["value_1"]]
        expected = {d for d, (_, known) in revisions.items() if known <= t}
        assert set(changed["observation_date"]) == expected, t
        for row in changed.itertuples():
            assert row.value_1 == revisions[row.observation_date][0]

    # The panel: only the revision of the newest release reaches it, from the day it was known.
    panel_after = full["panel"]
    ipca = ["calendar_code", "panel_date"]
    merged = panel_before[panel_before.series_id == "bcb_sgs__433"].merge(
        panel_after[panel_after.series_id == "bcb_sgs__433"], on=ipca, suffixes=("_0", "_1")
    )
    changed = merged[merged["value_0"] != merged["value_1"]]
    assert not changed.empty
    assert set(changed["observation_date_1"]) == {date(2020, 8, 1)}
    assert changed["panel_date"].min() == date(2020, 9, 21)
    assert (changed["known_at_1"] == NEW_REVISION[2]).all()


def test_incremental_build_without_new_vintages_writes_nothing(small_gold) -> None:
    url, engine, _ = small_gold
    before = _snapshot(engine)
    _dbt(url, "run", "--select", *MODELS)
    after = _snapshot(engine)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], check_exact=True)
