"""as_of_cutoff: a date means the whole of that day in São Paulo; a datetime is an instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from macro_models.pit import as_of_cutoff


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2024, 12, 27), datetime(2024, 12, 28, 3, 0, tzinfo=UTC), id="friday"),
        pytest.param(date(2024, 12, 31), datetime(2025, 1, 1, 3, 0, tzinfo=UTC), id="year-end"),
        pytest.param(date(2024, 2, 28), datetime(2024, 2, 29, 3, 0, tzinfo=UTC), id="leap-day"),
        # Brazil observed daylight saving time until 2019: midnight was then 02:00 UTC.
        pytest.param(date(2018, 12, 15), datetime(2018, 12, 16, 2, 0, tzinfo=UTC), id="dst"),
        # 2018-11-04 started DST at 00:00 (clocks jumped to 01:00): the day began 03:00 UTC.
        pytest.param(date(2018, 11, 3), datetime(2018, 11, 4, 3, 0, tzinfo=UTC), id="dst-start"),
        # 2019-02-17 00:00 -02 went back to 23:00 -03: 16 February lasted 25 hours.
        pytest.param(date(2019, 2, 16), datetime(2019, 2, 17, 3, 0, tzinfo=UTC), id="dst-end"),
    ],
)
def test_date_means_next_midnight_in_sao_paulo(day, expected):
    cutoff = as_of_cutoff(day)
    assert cutoff == expected
    assert cutoff.utcoffset() == timedelta(0)


def test_cutoff_is_exclusive_end_of_the_day():
    cutoff = as_of_cutoff(date(2024, 6, 28))
    sp = timezone(timedelta(hours=-3))
    assert datetime(2024, 6, 28, 23, 59, 59, tzinfo=sp) < cutoff
    assert datetime(2024, 6, 29, 0, 0, tzinfo=sp) == cutoff


def test_naive_datetime_is_taken_as_utc():
    cutoff = as_of_cutoff(datetime(2024, 12, 27, 15, 30))
    assert cutoff == datetime(2024, 12, 27, 15, 30, tzinfo=UTC)
    assert cutoff.tzinfo is not None


def test_midnight_datetime_is_an_instant_not_a_day():
    # datetime subclasses date: a midnight timestamp must not become "the whole day".
    assert as_of_cutoff(datetime(2024, 12, 27)) == datetime(2024, 12, 27, tzinfo=UTC)


@pytest.mark.parametrize(
    "aware",
    [
        pytest.param(datetime(2024, 12, 27, 15, 30, tzinfo=UTC), id="utc"),
        pytest.param(datetime(2024, 12, 27, 9, 0, tzinfo=timezone(timedelta(hours=-3))), id="brt"),
    ],
)
def test_aware_datetime_is_unchanged(aware):
    cutoff = as_of_cutoff(aware)
    assert cutoff == aware
    assert cutoff.utcoffset() == aware.utcoffset()


def test_none_means_now():
    before = datetime.now(UTC)
    cutoff = as_of_cutoff(None)
    after = datetime.now(UTC)
    assert before <= cutoff <= after


def test_interval_days_of_a_b3_session_and_of_pendulum_datetimes() -> None:
    import pendulum

    from macro_models.pipeline.steps import interval_days

    start = pendulum.datetime(2024, 2, 9, 3, tz="UTC")  # 9 Feb 00:00 São Paulo
    end = pendulum.datetime(2024, 2, 10, 3, tz="UTC")
    assert interval_days(start, end) == (date(2024, 2, 9), date(2024, 2, 9))
    assert interval_days(start, end.add(hours=1)) == (date(2024, 2, 9), date(2024, 2, 10))
    assert interval_days(start, start) == (date(2024, 2, 9), date(2024, 2, 9))
