"""Exchange-session timetables against exchange_calendars' holiday calendars.

The restriction objects are built the way Airflow's own timetable tests and the scheduler build
them: ``TimeRestriction(earliest, latest, catchup)``. Each next run is asked for with the previous
run's data interval.
"""

from __future__ import annotations

import datetime as dt
import json

import exchange_calendars as xcals
import pendulum
import pytest
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction
from timetables import exchange
from timetables.exchange import (
    B3BusinessDayTimetable,
    ExchangeSessionTimetable,
    NyseBusinessDayTimetable,
)

SP = "America/Sao_Paulo"
NY = "America/New_York"
D = dt.date


def _runs(timetable, restriction: TimeRestriction, n: int = 50) -> list[DagRunInfo]:
    """The scheduler's loop: up to n runs, each asked for with the previous data interval."""
    infos: list[DagRunInfo] = []
    last: DataInterval | None = None
    while len(infos) < n:
        info = timetable.next_dagrun_info(
            last_automated_data_interval=last, restriction=restriction
        )
        if info is None:
            break
        infos.append(info)
        last = info.data_interval
    return infos


def _sessions(infos: list[DagRunInfo], tz: str) -> list[dt.date]:
    return [info.logical_date.in_timezone(tz).date() for info in infos]


def _local(day: dt.date, tz: str, hour: int = 0, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=tz)


def _assert_shape(info: DagRunInfo, day: dt.date, tz: str, hour: int, minute: int) -> None:
    """Data interval = the session's local calendar day; the run fires at run_at local that day."""
    assert info.data_interval.start == _local(day, tz)
    assert info.data_interval.end == _local(day + dt.timedelta(days=1), tz)
    assert info.run_after == _local(day, tz, hour, minute)
    assert info.run_after.in_timezone(tz).time() == dt.time(hour, minute)
    assert info.logical_date == info.data_interval.start


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Set the scheduler's "now" seen by the timetable (used by catchup=False)."""

    def set_now(moment: pendulum.DateTime) -> None:
        monkeypatch.setattr(exchange, "_utcnow", lambda: moment.in_timezone("UTC"))

    return set_now


# --- what the library says --------------------------------------------------------------------


def test_exchange_calendars_holidays_used_by_the_tests() -> None:
    bvmf = xcals.get_calendar("BVMF", start="2024-01-01", end="2025-01-31")
    assert not bvmf.is_session("2024-02-12") and not bvmf.is_session("2024-02-13")  # Carnival
    assert bvmf.is_session("2024-02-14")  # Ash Wednesday: a (late-opening) session
    for day in ("2024-12-24", "2024-12-25", "2024-12-31", "2025-01-01"):
        assert not bvmf.is_session(day), day
    xnys = xcals.get_calendar("XNYS", start="2024-01-01", end="2025-01-31")
    assert not xnys.is_session("2024-07-04") and not xnys.is_session("2024-11-28")
    assert xnys.is_session("2024-11-29")  # the day after Thanksgiving: an early close


def test_exchange_names_match_macro_models_calendars() -> None:
    from macro_models.calendars import EXCHANGES

    assert set(exchange.EXCHANGES) == set(EXCHANGES)


# --- catchup=True: the sequence of runs ---------------------------------------------------------


def test_b3_skips_carnival_and_weekends() -> None:
    restriction = TimeRestriction(earliest=_local(D(2024, 2, 8), SP), latest=None, catchup=True)
    infos = _runs(B3BusinessDayTimetable(), restriction, n=6)

    assert _sessions(infos, SP) == [
        D(2024, 2, 8), D(2024, 2, 9),  # Thu, Fri
        D(2024, 2, 14), D(2024, 2, 15), D(2024, 2, 16),  # Ash Wednesday on; Feb 12-13 skipped
        D(2024, 2, 19),
    ]  # fmt: skip
    for info, day in zip(infos, _sessions(infos, SP), strict=True):
        _assert_shape(info, day, SP, 20, 30)
    # 20:30 in São Paulo (UTC-3, no DST since 2019) is 23:30 UTC.
    assert infos[2].run_after == pendulum.datetime(2024, 2, 14, 23, 30, tz="UTC")
    assert infos[2].data_interval.start == pendulum.datetime(2024, 2, 14, 3, tz="UTC")


def test_b3_skips_christmas_and_new_year() -> None:
    restriction = TimeRestriction(earliest=_local(D(2024, 12, 20), SP), latest=None, catchup=True)
    infos = _runs(B3BusinessDayTimetable(), restriction, n=7)

    assert _sessions(infos, SP) == [
        D(2024, 12, 20), D(2024, 12, 23),  # Dec 24 and 25: no session
        D(2024, 12, 26), D(2024, 12, 27), D(2024, 12, 30),  # Dec 31 and Jan 1: no session
        D(2025, 1, 2), D(2025, 1, 3),
    ]  # fmt: skip
    for info, day in zip(infos, _sessions(infos, SP), strict=True):
        _assert_shape(info, day, SP, 20, 30)


def test_nyse_skips_thanksgiving_and_independence_day_across_dst() -> None:
    nyse = NyseBusinessDayTimetable()
    thanksgiving = _runs(nyse, TimeRestriction(_local(D(2024, 11, 26), NY), None, True), n=4)
    # Nov 28 (Thanksgiving) skipped; Nov 29 is an early-close session.
    assert _sessions(thanksgiving, NY) == [
        D(2024, 11, 26),
        D(2024, 11, 27),
        D(2024, 11, 29),
        D(2024, 12, 2),
    ]  # noqa: E501
    july = _runs(nyse, TimeRestriction(_local(D(2024, 7, 3), NY), None, True), n=3)
    assert _sessions(july, NY) == [D(2024, 7, 3), D(2024, 7, 5), D(2024, 7, 8)]  # Jul 4 skipped

    for info, day in zip(thanksgiving + july, _sessions(thanksgiving + july, NY), strict=True):
        _assert_shape(info, day, NY, 18, 0)
    # 18:00 New York is 23:00 UTC in November (EST) and 22:00 UTC in July (EDT).
    assert thanksgiving[2].run_after == pendulum.datetime(2024, 11, 29, 23, tz="UTC")
    assert july[1].run_after == pendulum.datetime(2024, 7, 5, 22, tz="UTC")


def test_start_date_and_end_date_bound_the_logical_date() -> None:
    b3 = B3BusinessDayTimetable()
    # A start_date after the session's midnight excludes that session (its logical date is earlier).
    late_start = TimeRestriction(pendulum.datetime(2024, 2, 9, 10, tz=SP), None, True)
    assert _sessions(_runs(b3, late_start, n=1), SP) == [D(2024, 2, 14)]
    # A start_date on a holiday moves to the next session.
    on_holiday = TimeRestriction(_local(D(2024, 2, 12), SP), None, True)
    assert _sessions(_runs(b3, on_holiday, n=1), SP) == [D(2024, 2, 14)]
    # end_date is inclusive: Feb 14's logical date is 2024-02-14 00:00 São Paulo.
    bounded = TimeRestriction(_local(D(2024, 2, 8), SP), _local(D(2024, 2, 14), SP), True)
    assert _sessions(_runs(b3, bounded), SP) == [D(2024, 2, 8), D(2024, 2, 9), D(2024, 2, 14)]


def test_custom_run_time_and_generic_class() -> None:
    tt = ExchangeSessionTimetable("B3", "07:15", SP)
    [info] = _runs(tt, TimeRestriction(_local(D(2024, 2, 12), SP), None, True), n=1)
    _assert_shape(info, D(2024, 2, 14), SP, 7, 15)
    with pytest.raises(ValueError, match="unknown exchange"):
        ExchangeSessionTimetable("LSE", dt.time(18), "Europe/London")
    with pytest.raises(Exception, match="Nowhere"):
        B3BusinessDayTimetable(timezone="America/Nowhere")


# --- catchup=False -----------------------------------------------------------------------------


def test_catchup_false_runs_only_the_latest_due_session(clock) -> None:
    b3 = B3BusinessDayTimetable()
    since_january = TimeRestriction(_local(D(2024, 1, 1), SP), None, catchup=False)

    # Ash Wednesday at noon: today's 20:30 run is not due yet; Mon-Tue were Carnival → Friday's.
    clock(pendulum.datetime(2024, 2, 14, 12, tz=SP))
    info = b3.next_dagrun_info(last_automated_data_interval=None, restriction=since_january)
    assert _sessions([info], SP) == [D(2024, 2, 9)]
    # Once 20:30 has passed, today's session is the one.
    clock(pendulum.datetime(2024, 2, 14, 20, 30, tz=SP))
    info = b3.next_dagrun_info(last_automated_data_interval=None, restriction=since_january)
    assert _sessions([info], SP) == [D(2024, 2, 14)]
    # The same question with catchup=True starts at the first session of the year (Jan 1: holiday).
    catchup = since_january._replace(catchup=True)
    info = b3.next_dagrun_info(last_automated_data_interval=None, restriction=catchup)
    assert _sessions([info], SP) == [D(2024, 1, 2)]


def test_catchup_false_skips_missed_sessions_but_not_future_ones(clock) -> None:
    b3 = B3BusinessDayTimetable()
    no_catchup = TimeRestriction(_local(D(2024, 1, 1), SP), None, catchup=False)
    feb_9 = b3.infer_manual_data_interval(run_after=pendulum.datetime(2024, 2, 9, 21, tz=SP))

    # The scheduler was down from Friday to the next Monday night: Feb 14-16 are not run.
    clock(pendulum.datetime(2024, 2, 19, 21, tz=SP))
    info = b3.next_dagrun_info(last_automated_data_interval=feb_9, restriction=no_catchup)
    assert _sessions([info], SP) == [D(2024, 2, 19)]
    # Right after Friday's run: the next one is Ash Wednesday, in the future.
    clock(pendulum.datetime(2024, 2, 9, 21, tz=SP))
    info = b3.next_dagrun_info(last_automated_data_interval=feb_9, restriction=no_catchup)
    assert _sessions([info], SP) == [D(2024, 2, 14)]
    _assert_shape(info, D(2024, 2, 14), SP, 20, 30)
    # A start_date in the future wins over "now".
    future = TimeRestriction(_local(D(2024, 3, 1), SP), None, catchup=False)
    info = b3.next_dagrun_info(last_automated_data_interval=None, restriction=future)
    assert _sessions([info], SP) == [D(2024, 3, 1)]
    # No start_date and no previous run: start from the latest due session, as catchup=False.
    unbounded = TimeRestriction(None, None, catchup=True)
    info = b3.next_dagrun_info(last_automated_data_interval=None, restriction=unbounded)
    assert _sessions([info], SP) == [D(2024, 2, 9)]
    # ... and an end_date in the past means no run at all.
    ended = TimeRestriction(_local(D(2024, 1, 1), SP), _local(D(2024, 1, 31), SP), catchup=False)
    assert b3.next_dagrun_info(last_automated_data_interval=None, restriction=ended) is None


# --- manual runs --------------------------------------------------------------------------------


def test_manual_run_covers_the_latest_session_whose_run_time_has_passed() -> None:
    b3 = B3BusinessDayTimetable()

    def session(moment: pendulum.DateTime) -> dt.date:
        return b3.infer_manual_data_interval(run_after=moment).start.in_timezone(SP).date()

    assert session(pendulum.datetime(2024, 2, 14, 20, 29, tz=SP)) == D(2024, 2, 9)
    assert session(pendulum.datetime(2024, 2, 14, 20, 30, tz=SP)) == D(2024, 2, 14)
    assert session(pendulum.datetime(2024, 2, 13, 23, tz=SP)) == D(2024, 2, 9)  # Carnival
    # `airflow dags test <dag> 2024-12-27` passes UTC midnight, i.e. Dec 26 21:00 in São Paulo.
    assert session(pendulum.datetime(2024, 12, 27, tz="UTC")) == D(2024, 12, 26)
    interval = b3.infer_manual_data_interval(run_after=pendulum.datetime(2024, 2, 15, 9, tz=SP))
    assert interval == DataInterval(_local(D(2024, 2, 14), SP), _local(D(2024, 2, 15), SP))


# --- serialization ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timetable",
    [
        B3BusinessDayTimetable(),
        NyseBusinessDayTimetable(run_at=dt.time(17, 45)),
        ExchangeSessionTimetable("NYSE", "09:45", NY),
    ],
    ids=["b3", "nyse", "generic"],
)
def test_serialize_round_trip(timetable: ExchangeSessionTimetable) -> None:
    data = json.loads(json.dumps(timetable.serialize()))
    restored = type(timetable).deserialize(data)
    assert type(restored) is type(timetable)
    assert restored == timetable
    assert restored.serialize() == timetable.serialize()
    assert restored.summary == timetable.summary and restored.description


def test_summary_and_description() -> None:
    b3 = B3BusinessDayTimetable()
    assert b3.summary == "B3 sessions 20:30 America/Sao_Paulo"
    assert "holidays" in b3.description and "20:30" in b3.description
    assert NyseBusinessDayTimetable().serialize() == {
        "exchange": "NYSE",
        "run_at": "18:00:00",
        "timezone": "America/New_York",
    }


def test_dag_serialization_round_trip_and_backfill_window() -> None:
    """Airflow's own DAG serialization (what the dag-processor stores and the scheduler reads)
    finds the class among the plugin's registered timetables, and the deserialized DAG's
    backfill iterator yields the Carnival-aware sessions."""
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import DagSerialization

    timetable = B3BusinessDayTimetable()
    dag = DAG("b3_timetable_probe", schedule=timetable, start_date=_local(D(2024, 1, 1), SP))
    encoded = json.loads(json.dumps(DagSerialization.to_dict(dag)))
    stored = encoded["dag"]["timetable"]
    assert stored["__type"] == "timetables.exchange.B3BusinessDayTimetable"
    assert stored["__var"] == timetable.serialize()

    scheduler_dag = DagSerialization.from_dict(encoded)
    assert scheduler_dag.timetable == timetable
    infos = scheduler_dag.iter_dagrun_infos_between(
        _local(D(2024, 2, 9), SP), _local(D(2024, 2, 16), SP)
    )
    assert _sessions(list(infos), SP) == [
        D(2024, 2, 9), D(2024, 2, 14), D(2024, 2, 15), D(2024, 2, 16),
    ]  # fmt: skip
