"""Exchange-session timetables: one DAG run per B3 or NYSE session.

Holidays come from ``macro_models.calendars``, which wraps the maintained ``exchange_calendars``
package (B3 = ``BVMF``, NYSE = ``XNYS``). There is no hand-typed holiday list here. The import
happens inside the methods, because pandas and exchange_calendars take seconds to import and DAG
parsing has to stay fast. Building a timetable never touches the calendar.

Usage in a DAG file (Airflow puts the plugins folder on ``sys.path``)::

    from timetables.exchange import B3BusinessDayTimetable

    SP = "America/Sao_Paulo"

    @dag(schedule=B3BusinessDayTimetable(), start_date=pendulum.datetime(2024, 1, 2, tz=SP))

Semantics
---------
Runs
    One run per exchange session. Weekends and exchange holidays get no run. The run fires at
    ``run_at`` local time on the session date. By default that is 20:30 America/Sao_Paulo for
    B3 (after the close and the day's BCB releases) and 18:00 America/New_York for NYSE.

Data interval
    ``[session date 00:00 local, next calendar day 00:00 local)``, the session's calendar day.
    The logical date (= ``data_interval_start``) is the session date at local midnight, so
    ``data_interval_start.in_timezone(tz).date()`` is the session date. ``ds`` is also the
    session date, because local midnight in the Americas falls on the same UTC date. The run
    fires before the interval ends (20:30 < 24:00). That is intended: the run reads the
    session's end-of-day data, which is final by ``run_at``. We did not use
    ``[session, next session)``: with it, a Friday run at 20:30 would claim the weekend's data,
    which it cannot have seen.

start_date / end_date / catchup (Airflow's ``TimeRestriction``)
    A session is eligible if its logical date (local midnight) lies in
    ``[earliest, latest]``, both inclusive. ``airflow backfill create`` bounds are instants,
    so a UTC-midnight ``--to-date 2024-02-16`` falls before 2024-02-16 00:00 in São Paulo
    (03:00 UTC) and excludes that session. Give local bounds, e.g.
    ``--to-date 2024-02-16T00:00:00-03:00``.
    With ``catchup=True``, every eligible session from ``start_date`` on gets a run. With
    ``catchup=False``, only the most recent session whose run time has passed gets a run (or
    the first future one), never an older one. This is what Airflow's ``CronTriggerTimetable``
    does.

Manual runs
    ``infer_manual_data_interval(run_after)`` returns the latest session whose run time is
    ``<= run_after``, i.e. the session that the scheduled run covered most recently. A UTC
    midnight such as ``airflow dags test <dag> 2024-12-27`` is 2024-12-26 21:00 in São Paulo,
    so it maps to the 2024-12-26 session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pendulum
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable

# The keys of macro_models.calendars.EXCHANGES (a test keeps the two in step). They are listed
# here so that constructing a timetable at DAG-parse time does not import pandas.
EXCHANGES = ("B3", "NYSE")
_LOOKBACK = dt.timedelta(days=31)
_MAX_LOOKBACK_WINDOWS = 24


def _utcnow() -> pendulum.DateTime:
    """The scheduler's "now" (a seam for tests of catchup=False)."""
    return pendulum.now("UTC")


def _calendars():
    from macro_models import calendars

    return calendars


class ExchangeSessionTimetable(Timetable):
    """One DAG run per session of ``exchange`` ("B3" or "NYSE"), at ``run_at`` in ``timezone``.

    :param exchange: a key of ``macro_models.calendars.EXCHANGES``: "B3" or "NYSE".
    :param run_at: the local wall-clock time the run fires on the session date
        (``datetime.time`` or "HH:MM[:SS]").
    :param timezone: an IANA zone name, e.g. "America/Sao_Paulo".
    """

    EXCHANGE: ClassVar[str | None] = None  # fixed by the per-exchange subclasses

    def __init__(self, exchange: str, run_at: dt.time | str, timezone: str) -> None:
        if exchange not in EXCHANGES:
            raise ValueError(f"unknown exchange {exchange!r}: expected one of {EXCHANGES}")
        run_at = run_at if isinstance(run_at, dt.time) else dt.time.fromisoformat(run_at)
        if run_at.tzinfo is not None:
            raise ValueError("run_at is a local wall-clock time: give it without tzinfo")
        self.exchange = exchange
        self.run_at = run_at
        self._tz = pendulum.timezone(timezone)  # raises on an unknown zone
        self.timezone = self._tz.name

    # --- Airflow's Timetable protocol --------------------------------------------------------

    @property
    def summary(self) -> str:
        return f"{self.exchange} sessions {self.run_at:%H:%M} {self.timezone}"

    @property
    def description(self) -> str:  # type: ignore[override]
        return (
            f"At {self.run_at:%H:%M} ({self.timezone}) on every {self.exchange} session; "
            "weekends and exchange holidays skipped (exchange_calendars)"
        )

    def serialize(self) -> dict[str, Any]:
        return {
            "exchange": self.exchange,
            "run_at": self.run_at.isoformat(),
            "timezone": self.timezone,
        }

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> ExchangeSessionTimetable:
        kwargs: dict[str, Any] = {"run_at": data["run_at"], "timezone": data["timezone"]}
        if cls.EXCHANGE is None:
            kwargs["exchange"] = data["exchange"]
        elif data["exchange"] != cls.EXCHANGE:
            raise ValueError(f"{cls.__name__} is for {cls.EXCHANGE}, not {data['exchange']}")
        return cls(**kwargs)

    def infer_manual_data_interval(self, *, run_after: dt.datetime) -> DataInterval:
        session = self._latest_due_session(run_after)
        if session is None:
            raise ValueError(f"no {self.exchange} session before {run_after}")
        return self._info(session).data_interval

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
    ) -> DagRunInfo | None:
        candidates: list[dt.date] = []
        if last_automated_data_interval is not None:
            last = self.session_of(last_automated_data_interval.start)
            candidates.append(_calendars().add_business_days(last, 1, self.exchange))
        if restriction.earliest is not None:
            candidates.append(self._first_session_from(restriction.earliest))
        first_ever = last_automated_data_interval is None and restriction.earliest is None
        if not restriction.catchup or first_ever:
            # Never schedule a session older than the latest one already due.
            due = self._latest_due_session(_utcnow())
            if due is not None:
                candidates.append(due)
        if not candidates:
            return None
        info = self._info(max(candidates))
        if restriction.latest is not None and info.logical_date > restriction.latest:
            return None
        return info

    # --- helpers ------------------------------------------------------------------------------

    def session_of(self, moment: dt.datetime) -> dt.date:
        """The session date of a logical date / data_interval_start (its local calendar date)."""
        return moment.astimezone(self._tz).date()

    def _local(self, day: dt.date, at: dt.time = dt.time()) -> pendulum.DateTime:
        return pendulum.datetime(
            day.year, day.month, day.day, at.hour, at.minute, at.second, tz=self._tz
        )

    def _info(self, session: dt.date) -> DagRunInfo:
        start = self._local(session).in_timezone("UTC")
        end = self._local(session + dt.timedelta(days=1)).in_timezone("UTC")
        run_after = self._local(session, self.run_at).in_timezone("UTC")
        return DagRunInfo(run_after=run_after, data_interval=DataInterval(start, end))

    def _first_session_from(self, earliest: dt.datetime) -> dt.date:
        """The first session whose logical date (local midnight) is not before ``earliest``."""
        local = earliest.astimezone(self._tz)
        day = local.date()
        if local > self._local(day):
            day += dt.timedelta(days=1)
        return _calendars().add_business_days(day, 0, self.exchange)

    def _latest_due_session(self, moment: dt.datetime) -> dt.date | None:
        """The latest session whose run time (``run_at`` local on its date) is ``<= moment``."""
        local = moment.astimezone(self._tz)
        day = local.date()
        if local < self._local(day, self.run_at):
            day -= dt.timedelta(days=1)
        cal = _calendars()
        end = day
        for _ in range(_MAX_LOOKBACK_WINDOWS):
            sessions = cal.business_days(end - _LOOKBACK, end, self.exchange)
            if sessions:
                return sessions[-1]
            end -= _LOOKBACK + dt.timedelta(days=1)
        return None

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.serialize() == other.serialize()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.serialize().values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.summary!r})"


class B3BusinessDayTimetable(ExchangeSessionTimetable):
    """One run per B3 (BVMF) session. The default 20:30 São Paulo is after the close and the
    day's BCB releases."""

    EXCHANGE = "B3"

    def __init__(
        self, run_at: dt.time | str = dt.time(20, 30), timezone: str = "America/Sao_Paulo"
    ) -> None:
        super().__init__("B3", run_at, timezone)


class NyseBusinessDayTimetable(ExchangeSessionTimetable):
    """One run per NYSE (XNYS) session. The default 18:00 New York is after the 16:00 close."""

    EXCHANGE = "NYSE"

    def __init__(
        self, run_at: dt.time | str = dt.time(18, 0), timezone: str = "America/New_York"
    ) -> None:
        super().__init__("NYSE", run_at, timezone)
