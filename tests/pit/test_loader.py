"""PointInTimeLoader over a tiny gold layer built by real dbt from bronze loaded by the connector.

Data: the 12 IPCA months of 2023 and one December 2023 week of the Selic target, first fetched
in June 2024 (each vintage known at its catalog release), then a revision of June 2023's IPCA
fetched on 2024-07-01 15:00 UTC (known then, not at the original release).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import Engine, create_engine, text

from macro_models.catalog import get_series
from macro_models.connectors.base import RawPayload
from macro_models.connectors.bcb_sgs import BcbSgsFetcher
from macro_models.connectors.load import load_payload
from macro_models.dbt_runner import run_dbt
from macro_models.pit import PointInTimeLoader, as_of_cutoff
from macro_models.pit.history import PointInTimeHistory
from tests.conftest import TEST_DB, fresh_database

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bcb_sgs"
IPCA, SELIC = "bcb_sgs__433", "bcb_sgs__432"
FETCH_1 = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)  # after every 2023 release
REVISED_AT = datetime(2024, 7, 1, 15, 0, tzinfo=UTC)
REVISED_DAY = date(2023, 6, 1)
OLD, NEW = -0.08, -0.10
YEAR = (date(2023, 1, 1), date(2023, 12, 31))
US = timedelta(microseconds=1)


def _payload(code: str, rows: list, window: tuple[date, date], fetched_at: datetime) -> RawPayload:
    lo, hi = window
    return RawPayload(
        source="bcb_sgs",
        item=code,
        request={
            "url": f"http://sgs.test/dados/serie/bcdata.sgs.{code}/dados",
            "params": {
                "formato": "json",
                "dataInicial": lo.strftime("%d/%m/%Y"),
                "dataFinal": hi.strftime("%d/%m/%Y"),
            },
        },
        body=json.dumps(rows).encode(),
        fetched_at=fetched_at,
    )


@pytest.fixture(scope="module")
def pit_engine(pg) -> Iterator[Engine]:
    """A database of its own (module-scoped, so dbt builds once; clean_db is per test)."""
    url = fresh_database(pg, f"{TEST_DB}_pit")
    eng = create_engine(url)
    ipca = json.loads((FIXTURES / "bcb_sgs__433_2023.json").read_text())
    selic = json.loads((FIXTURES / "bcb_sgs__432_dec2023.json").read_text())
    revised = [
        {**r, "valor": str(NEW)} if r["data"] == REVISED_DAY.strftime("%d/%m/%Y") else r
        for r in ipca
    ]
    assert revised != ipca
    added = [
        load_payload(eng, BcbSgsFetcher, _payload("433", ipca, YEAR, FETCH_1)).rows_added,
        load_payload(eng, BcbSgsFetcher, _payload("433", revised, YEAR, REVISED_AT)).rows_added,
        load_payload(
            eng,
            BcbSgsFetcher,
            _payload("432", selic, (date(2023, 12, 11), date(2023, 12, 17)), FETCH_1),
        ).rows_added,
    ]
    assert added == [12, 1, 7]
    proc = run_dbt(["build", "--quiet"], url=url, capture=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def vintages(pit_engine) -> pd.DataFrame:
    """Every vintage in gold, read with plain SQL (the reference the loader is checked against)."""
    with pit_engine.connect() as conn:
        rows = conn.execute(
            text(
                "select series_id, observation_date, value, known_at, vintage_number "
                "from gold.fct_observations order by series_id, observation_date, known_at"
            )
        ).all()
    return pd.DataFrame(rows, columns=["series_id", "date", "value", "known_at", "vintage"])


@pytest.fixture(scope="module")
def loader(pit_engine) -> PointInTimeLoader:
    return PointInTimeLoader(pit_engine)


def _probe_instants(vintages: pd.DataFrame) -> list[datetime]:
    """Every known_at in gold, and one microsecond either side of it."""
    out = set()
    for k in vintages["known_at"]:
        out |= {k - US, k, k + US}
    return sorted(out)


def test_gold_holds_both_vintages_of_the_revised_month(vintages):
    june = vintages[(vintages.series_id == IPCA) & (vintages.date == REVISED_DAY)]
    assert june["value"].tolist() == [OLD, NEW]
    assert june["vintage"].tolist() == [1, 2]
    assert june["known_at"].iloc[0] == get_series(IPCA).known_at(REVISED_DAY)
    assert june["known_at"].iloc[1] == REVISED_AT
    assert len(vintages) == 12 + 1 + 7


def test_never_returns_a_value_known_at_or_after_the_cutoff(loader, vintages):
    checked = 0
    for instant in _probe_instants(vintages):
        cutoff = as_of_cutoff(instant)
        visible = vintages[vintages.known_at < cutoff]
        try:
            frame = loader.load([IPCA, SELIC], date(2023, 1, 1), date(2023, 12, 31), instant)
        except ValueError:
            # Only allowed when some series really has nothing known yet.
            assert not {IPCA, SELIC} <= set(visible.series_id)
            continue
        # The reference: per observation, the latest vintage with known_at < cutoff.
        expected = (
            visible.sort_values("known_at")
            .groupby(["series_id", "date"])
            .last()
            .reset_index()
            .pivot(index="date", columns="series_id", values="value")
        )
        expected.index = pd.DatetimeIndex(expected.index, name="date")
        expected = expected[[IPCA, SELIC]]
        expected.columns.name = None
        assert_frame_equal(frame, expected, check_freq=False)
        # And directly: each returned value is a vintage known strictly before the cutoff.
        long = frame.rename_axis(columns="series_id").stack().dropna().rename("value")
        for r in long.reset_index().itertuples():
            match = vintages[
                (vintages.series_id == r.series_id)
                & (vintages.date == r.date.date())
                & (vintages.value == r.value)
            ]
            assert (match.known_at < cutoff).any(), (instant, r)
        fresh = loader.known_at([IPCA, SELIC], instant)
        assert (fresh < cutoff).all()
        assert fresh.to_dict() == visible.groupby("series_id")["known_at"].max().to_dict()
        checked += 1
    assert checked > 10


def test_known_at_method_is_empty_before_anything_is_known(loader):
    assert loader.known_at([IPCA, SELIC], date(2023, 1, 1)).empty


def test_revision_is_invisible_before_its_known_at(loader):
    def june(as_of):
        return loader.load([IPCA], *YEAR, as_of).loc[pd.Timestamp(REVISED_DAY), IPCA]

    first_release = get_series(IPCA).known_at(REVISED_DAY)
    assert first_release.date() == date(2023, 7, 14)
    with pytest.raises(KeyError):
        june(first_release)  # the cutoff is exclusive: not yet known at its release instant
    assert june(first_release + US) == OLD
    assert june(date(2023, 7, 14)) == OLD
    assert june(date(2024, 6, 30)) == OLD
    assert june(REVISED_AT - US) == OLD
    assert june(REVISED_AT) == OLD  # known_at == cutoff is excluded
    assert june(REVISED_AT + US) == NEW
    assert june(date(2024, 7, 1)) == NEW
    assert june(date(2030, 1, 1)) == NEW


def test_revision_changes_only_its_own_cell_and_only_after_its_known_at(loader):
    before = loader.load([IPCA, SELIC], *YEAR, REVISED_AT)
    after = loader.load([IPCA, SELIC], *YEAR, REVISED_AT + US)
    earlier = loader.load([IPCA, SELIC], *YEAR, date(2024, 1, 31))

    assert_frame_equal(before, earlier)  # nothing else arrived between these two dates
    changed = (before != after) & ~(before.isna() & after.isna())
    assert changed.to_numpy().sum() == 1
    assert changed.loc[pd.Timestamp(REVISED_DAY), IPCA]
    cell = (pd.Timestamp(REVISED_DAY), IPCA)
    assert (before.loc[cell], after.loc[cell]) == (OLD, NEW)


def test_first_release_boundary_for_a_daily_series(loader):
    # The Selic target for a day is known at 00:00 São Paulo that day (03:00 UTC).
    with pytest.raises(ValueError, match=SELIC):
        loader.load([SELIC], date(2023, 12, 1), date(2023, 12, 31), date(2023, 12, 10))
    frame = loader.load([SELIC], date(2023, 12, 1), date(2023, 12, 31), date(2023, 12, 11))
    assert frame.index.tolist() == [pd.Timestamp(2023, 12, 11)]
    assert frame[SELIC].tolist() == [12.25]


def test_frame_shape(loader):
    frame = loader.load([SELIC, IPCA], *YEAR, date(2024, 12, 31))
    assert list(frame.columns) == [SELIC, IPCA]  # the requested order
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.name == "date"
    assert frame.index.is_monotonic_increasing
    assert (frame.dtypes == "float64").all()
    assert frame[IPCA].notna().sum() == 12
    assert frame[SELIC].notna().sum() == 7
    assert frame.loc["2023-12-01", IPCA] == 0.56


def test_missing_series_raise_listing_them(loader):
    with pytest.raises(ValueError, match=r"bcb_sgs__1, bcb_sgs__999") as info:
        loader.load([IPCA, "bcb_sgs__999", "bcb_sgs__1"], *YEAR, date(2024, 12, 31))
    assert IPCA not in str(info.value)


def test_series_outside_the_window_is_missing(loader):
    with pytest.raises(ValueError, match=rf"for {SELIC} between 2023-01-01 and 2023-06-30"):
        loader.load([IPCA, SELIC], date(2023, 1, 1), date(2023, 6, 30), date(2024, 12, 31))


def test_series_not_yet_released_is_missing(loader):
    # January 2023's IPCA came out on 14 February (ten B3 business days after the month).
    with pytest.raises(ValueError, match=IPCA):
        loader.load([IPCA], *YEAR, date(2023, 2, 13))
    frame = loader.load([IPCA], *YEAR, date(2023, 2, 14))
    assert frame.index.tolist() == [pd.Timestamp(2023, 1, 1)]
    assert frame[IPCA].tolist() == [0.53]


# PointInTimeHistory: the same answers from one read of every vintage.


@pytest.fixture(scope="module")
def history(pit_engine) -> PointInTimeHistory:
    return PointInTimeHistory(pit_engine, [IPCA, SELIC], *YEAR, until=date(2030, 1, 1))


def test_history_answers_as_the_loader_at_every_vintage_boundary(loader, history, vintages):
    checked = 0
    for instant in _probe_instants(vintages):
        try:
            expected = loader.load([IPCA, SELIC], *YEAR, instant)
        except ValueError as exc:
            with pytest.raises(ValueError, match=str(exc).split(" for ")[1]):
                history.load([IPCA, SELIC], *YEAR, instant)
            continue
        got = history.load([IPCA, SELIC], *YEAR, instant)
        assert_frame_equal(got, expected)
        assert got.attrs == expected.attrs
        checked += 1
    assert checked > 10
    assert history.n_vintages == 20 and history.n_revised == 1


def test_history_holds_the_revision_out_until_its_known_at(history):
    def june(as_of):
        return history.load([IPCA], *YEAR, as_of).loc[pd.Timestamp(REVISED_DAY), IPCA]

    assert june(REVISED_AT) == OLD
    assert june(REVISED_AT + US) == NEW


def test_history_refuses_what_it_did_not_read(pit_engine, history):
    with pytest.raises(ValueError, match="not held by this history: bcb_sgs__1"):
        history.load([IPCA, "bcb_sgs__1"], *YEAR, date(2024, 1, 1))
    with pytest.raises(ValueError, match="outside this history"):
        history.load([IPCA], date(2022, 1, 1), date(2023, 12, 31), date(2024, 1, 1))
    short = PointInTimeHistory(pit_engine, [IPCA], *YEAR, until=date(2024, 1, 1))
    with pytest.raises(ValueError, match="after this history's horizon 2024-01-01"):
        short.load([IPCA], *YEAR, date(2024, 1, 2))
    # Nothing known after the horizon is read: neither the revision nor December 2023's IPCA,
    # released on 2024-01-11.
    assert short.n_vintages == 11
