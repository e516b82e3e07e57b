"""BCB SGS: transform_data on saved payloads (offline, no database) and the query model."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from macro_models.connectors.bcb_sgs import BcbSgsFetcher, SgsQuery, SgsRecord
from macro_models.connectors.registry import FETCHERS, get_fetcher
from tests.connectors.helpers import fixture_bytes, sgs_payload


@pytest.mark.parametrize(
    ("name", "code", "window", "n", "first", "last"),
    [
        pytest.param(
            "bcb_sgs__433_2023.json",
            "433",
            (date(2023, 1, 1), date(2023, 12, 31)),
            12,
            (date(2023, 1, 1), "0.53"),
            (date(2023, 12, 1), "0.56"),
            id="ipca-2023",
        ),
        pytest.param(
            "bcb_sgs__432_dec2023.json",
            "432",
            (date(2023, 12, 11), date(2023, 12, 17)),
            7,
            (date(2023, 12, 11), "12.25"),
            (date(2023, 12, 17), "11.75"),
            id="selic-target-dec2023",
        ),
        pytest.param(
            "bcb_sgs__1_jan2024.json",
            "1",
            (date(2024, 1, 1), date(2024, 1, 31)),
            4,
            (date(2024, 1, 2), "4.8910"),
            (date(2024, 1, 5), "4.8893"),
            id="ptax-jan2024",
        ),
    ],
)
@pytest.mark.parametrize("with_window", [True, False], ids=["windowed", "no-window"])
def test_transform_saved_payload(name, code, window, n, first, last, with_window):
    start, end = window if with_window else (None, None)
    records = BcbSgsFetcher.transform_data(sgs_payload(code, fixture_bytes(name), start, end))

    assert len(records) == n
    assert all(isinstance(r, SgsRecord) and r.series_code == code for r in records)
    assert (records[0].observation_date, str(records[0].value)) == first
    assert (records[-1].observation_date, str(records[-1].value)) == last
    days = [r.observation_date for r in records]
    assert days == sorted(set(days))
    # Values stay exact decimals as published (no float round trip, trailing zeros kept).
    assert all(type(r.value) is Decimal for r in records)


def test_ipca_june_2023_is_exact_decimal():
    records = BcbSgsFetcher.transform_data(
        sgs_payload("433", fixture_bytes("bcb_sgs__433_2023.json"))
    )
    by_day = {r.observation_date: r.value for r in records}
    assert by_day[date(2023, 6, 1)] == Decimal("-0.08")
    assert str(by_day[date(2023, 6, 1)]) == "-0.08"
    assert sum(by_day.values()) == Decimal("4.53")


def test_ptax_keeps_four_decimals():
    records = BcbSgsFetcher.transform_data(
        sgs_payload("1", fixture_bytes("bcb_sgs__1_jan2024.json"))
    )
    assert records[0].value == Decimal("4.8910")
    assert records[0].value.as_tuple().exponent == -4


def test_records_are_frozen():
    record = BcbSgsFetcher.transform_data(
        sgs_payload("432", fixture_bytes("bcb_sgs__432_dec2023.json"))
    )[0]
    with pytest.raises(ValidationError, match="frozen"):
        record.value = Decimal("1")  # type: ignore[misc]


def test_transform_is_pure():
    payload = sgs_payload("433", fixture_bytes("bcb_sgs__433_2023.json"))
    assert BcbSgsFetcher.transform_data(payload) == BcbSgsFetcher.transform_data(payload)


def test_empty_list_is_no_records():
    assert BcbSgsFetcher.transform_data(sgs_payload("433", b"[]")) == []


# --- the query model ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("abc", id="letters"),
        pytest.param("", id="empty"),
        pytest.param("43a", id="trailing-letter"),
        pytest.param("4.32", id="decimal-point"),
        pytest.param("-432", id="negative"),
        pytest.param(" 432", id="leading-space"),
        pytest.param("\u00b2", id="superscript-digit"),
        pytest.param("\u0664\u0663\u0662", id="arabic-indic-digits"),
    ],
)
def test_query_rejects_non_numeric_code(code):
    with pytest.raises(ValidationError, match="SGS codes are numbers"):
        SgsQuery(code=code, start=date(2023, 1, 1), end=date(2023, 12, 31))


def test_query_rejects_start_after_end():
    with pytest.raises(ValidationError, match="start 2024-01-02 is after end 2024-01-01"):
        SgsQuery(code="432", start=date(2024, 1, 2), end=date(2024, 1, 1))


def test_transform_query_builds_the_model():
    q = BcbSgsFetcher.transform_query(
        {"code": "432", "start": "2023-01-01", "end": date(2023, 2, 1)}
    )
    assert q == SgsQuery(code="432", start=date(2023, 1, 1), end=date(2023, 2, 1))
    with pytest.raises(ValidationError, match="is after end"):
        BcbSgsFetcher.transform_query({"code": "432", "start": "2023-03-01", "end": "2023-02-01"})


def _assert_tiles(windows, start, end):
    assert windows[0][0] == start
    assert windows[-1][1] == end
    for lo, hi in windows:
        assert lo <= hi
        # At most ten years: the window ends before the same calendar day ten years on.
        assert hi < date(lo.year + 10, lo.month, min(lo.day, 28 if lo.month == 2 else lo.day))
    for (_, hi), (lo, _) in zip(windows, windows[1:], strict=False):
        assert lo == hi + timedelta(days=1)  # no gap, no overlap


def test_windows_split_25_years_into_three():
    start, end = date(2000, 1, 1), date(2024, 12, 31)
    windows = SgsQuery(code="1", start=start, end=end).windows()
    assert len(windows) == 3
    _assert_tiles(windows, start, end)
    assert windows == [
        (date(2000, 1, 1), date(2009, 12, 31)),
        (date(2010, 1, 1), date(2019, 12, 31)),
        (date(2020, 1, 1), date(2024, 12, 31)),
    ]


@pytest.mark.parametrize(
    ("start", "end", "n"),
    [
        pytest.param(date(2023, 1, 1), date(2023, 12, 31), 1, id="one-year"),
        pytest.param(date(2024, 5, 5), date(2024, 5, 5), 1, id="one-day"),
        pytest.param(date(2000, 1, 1), date(2009, 12, 31), 1, id="exactly-ten-years"),
        pytest.param(date(2000, 1, 1), date(2010, 1, 1), 2, id="ten-years-and-a-day"),
        pytest.param(date(2000, 2, 29), date(2024, 12, 31), 3, id="leap-day-start"),
        pytest.param(date(1990, 6, 15), date(2024, 6, 14), 4, id="34-years"),
    ],
)
def test_windows_tile_the_range(start, end, n):
    windows = SgsQuery(code="1", start=start, end=end).windows()
    assert len(windows) == n
    _assert_tiles(windows, start, end)
    if n == 1:
        assert windows == [(start, end)]


def test_registry_holds_the_sgs_fetcher():
    assert get_fetcher("bcb_sgs") is BcbSgsFetcher
    assert FETCHERS["bcb_sgs"] is BcbSgsFetcher and all(k == f.key for k, f in FETCHERS.items())
    with pytest.raises(KeyError, match="no connector for source 'nope'"):
        get_fetcher("nope")
