"""COPOM and FOMC rate-decision dates, 2012–2026, and session counts to the next decision.

Sources (dates written out by hand from the published calendars):

* COPOM: Banco Central do Brasil, "Calendário das reuniões do Copom" and the meeting history
  (https://www.bcb.gov.br/publicacoes/calendarioreunioescopom,
  https://www.bcb.gov.br/controleinflacao/historicotaxasjuros). The date kept is the second
  day of the meeting, when the decision is announced after the B3 close (about 18:30 BRT); the
  new Selic target is in force from the next business day. Eight meetings a year throughout.
* FOMC: Board of Governors of the Federal Reserve System, "Meeting calendars and information"
  (https://www.federalreserve.gov/monetarypolicy/fomccalendars.htm and the historical
  materials by year). The date kept is the last day of the meeting, when the statement comes
  out at 14:00 ET, during the NYSE session. Eight scheduled meetings a year; the rate
  decisions of unscheduled meetings (3 and 15 March 2020) are flagged ``scheduled=False``. The
  scheduled meeting of 17–18 March 2020 was cancelled on 15 March (it was brought forward to
  the unscheduled meeting that day) and is kept with ``cancelled_on``.

Only scheduled meetings are known in advance: a strategy positioning *before* a meeting must
ignore unscheduled ones and cancellations not yet announced at its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from macro_models.calendars import add_business_days, business_days


@dataclass(frozen=True)
class Meeting:
    """One rate decision. ``decision`` is the announcement day (local time of the bank)."""

    bank: str  # "COPOM" or "FOMC"
    decision: date
    scheduled: bool = True
    cancelled_on: date | None = None


def _dates(text: str) -> list[date]:
    return [date.fromisoformat(d) for d in text.split()]


COPOM_DECISIONS: tuple[date, ...] = tuple(
    _dates(
        """
        2012-01-18 2012-03-07 2012-04-18 2012-05-30 2012-07-11 2012-08-29 2012-10-10 2012-11-28
        2013-01-16 2013-03-06 2013-04-17 2013-05-29 2013-07-10 2013-08-28 2013-10-09 2013-11-27
        2014-01-15 2014-02-26 2014-04-02 2014-05-28 2014-07-16 2014-09-03 2014-10-29 2014-12-03
        2015-01-21 2015-03-04 2015-04-29 2015-06-03 2015-07-29 2015-09-02 2015-10-21 2015-11-25
        2016-01-20 2016-03-02 2016-04-27 2016-06-08 2016-07-20 2016-08-31 2016-10-19 2016-11-30
        2017-01-11 2017-02-22 2017-04-12 2017-05-31 2017-07-26 2017-09-06 2017-10-25 2017-12-06
        2018-02-07 2018-03-21 2018-05-16 2018-06-20 2018-08-01 2018-09-19 2018-10-31 2018-12-12
        2019-02-06 2019-03-20 2019-05-08 2019-06-19 2019-07-31 2019-09-18 2019-10-30 2019-12-11
        2020-02-05 2020-03-18 2020-05-06 2020-06-17 2020-08-05 2020-09-16 2020-10-28 2020-12-09
        2021-01-20 2021-03-17 2021-05-05 2021-06-16 2021-08-04 2021-09-22 2021-10-27 2021-12-08
        2022-02-02 2022-03-16 2022-05-04 2022-06-15 2022-08-03 2022-09-21 2022-10-26 2022-12-07
        2023-02-01 2023-03-22 2023-05-03 2023-06-21 2023-08-02 2023-09-20 2023-11-01 2023-12-13
        2024-01-31 2024-03-20 2024-05-08 2024-06-19 2024-07-31 2024-09-18 2024-11-06 2024-12-11
        2025-01-29 2025-03-19 2025-05-07 2025-06-18 2025-07-30 2025-09-17 2025-11-05 2025-12-10
        2026-01-28 2026-03-18 2026-04-29 2026-06-17 2026-08-05 2026-09-16 2026-11-04 2026-12-09
        """
    )
)

FOMC_SCHEDULED: tuple[date, ...] = tuple(
    _dates(
        """
        2012-01-25 2012-03-13 2012-04-25 2012-06-20 2012-08-01 2012-09-13 2012-10-24 2012-12-12
        2013-01-30 2013-03-20 2013-05-01 2013-06-19 2013-07-31 2013-09-18 2013-10-30 2013-12-18
        2014-01-29 2014-03-19 2014-04-30 2014-06-18 2014-07-30 2014-09-17 2014-10-29 2014-12-17
        2015-01-28 2015-03-18 2015-04-29 2015-06-17 2015-07-29 2015-09-17 2015-10-28 2015-12-16
        2016-01-27 2016-03-16 2016-04-27 2016-06-15 2016-07-27 2016-09-21 2016-11-02 2016-12-14
        2017-02-01 2017-03-15 2017-05-03 2017-06-14 2017-07-26 2017-09-20 2017-11-01 2017-12-13
        2018-01-31 2018-03-21 2018-05-02 2018-06-13 2018-08-01 2018-09-26 2018-11-08 2018-12-19
        2019-01-30 2019-03-20 2019-05-01 2019-06-19 2019-07-31 2019-09-18 2019-10-30 2019-12-11
        2020-01-29 2020-03-18 2020-04-29 2020-06-10 2020-07-29 2020-09-16 2020-11-05 2020-12-16
        2021-01-27 2021-03-17 2021-04-28 2021-06-16 2021-07-28 2021-09-22 2021-11-03 2021-12-15
        2022-01-26 2022-03-16 2022-05-04 2022-06-15 2022-07-27 2022-09-21 2022-11-02 2022-12-14
        2023-02-01 2023-03-22 2023-05-03 2023-06-14 2023-07-26 2023-09-20 2023-11-01 2023-12-13
        2024-01-31 2024-03-20 2024-05-01 2024-06-12 2024-07-31 2024-09-18 2024-11-07 2024-12-18
        2025-01-29 2025-03-19 2025-05-07 2025-06-18 2025-07-30 2025-09-17 2025-10-29 2025-12-10
        2026-01-28 2026-03-18 2026-04-29 2026-06-17 2026-07-29 2026-09-16 2026-10-28 2026-12-09
        """
    )
)

# 3 March 2020: 50 bp cut (Tuesday); 15 March 2020: 100 bp cut to 0–0.25 % (Sunday).
FOMC_UNSCHEDULED: tuple[date, ...] = (date(2020, 3, 3), date(2020, 3, 15))
FOMC_CANCELLED: dict[date, date] = {date(2020, 3, 18): date(2020, 3, 15)}


def copom_meetings() -> list[Meeting]:
    return [Meeting("COPOM", d) for d in COPOM_DECISIONS]


def fomc_meetings() -> list[Meeting]:
    """Scheduled and unscheduled FOMC rate decisions in date order."""
    out = [Meeting("FOMC", d, cancelled_on=FOMC_CANCELLED.get(d)) for d in FOMC_SCHEDULED]
    out += [Meeting("FOMC", d, scheduled=False) for d in FOMC_UNSCHEDULED]
    return sorted(out, key=lambda m: m.decision)


def known_scheduled(meetings: list[Meeting], as_of: date) -> list[date]:
    """Decision dates a trader knew of in advance at ``as_of``: scheduled, not yet cancelled."""
    return [
        m.decision
        for m in meetings
        if m.scheduled and (m.cancelled_on is None or m.cancelled_on > as_of)
    ]


def next_event(
    decisions: list[date], as_of: date, cal: str, tradable_lag: int
) -> tuple[date, date, int] | None:
    """The next decision whose first tradable session lies after ``as_of``.

    ``tradable_lag`` is 0 when the decision comes out during the session (FOMC) and 1 when it
    comes out after the close (COPOM). Returns (decision, event session, sessions) with
    ``sessions`` the number of ``cal`` sessions in (as_of, event session], or None after the
    last listed decision.
    """
    for d in sorted(decisions):
        event = add_business_days(d, tradable_lag, cal) if tradable_lag else d
        if event > as_of:
            return d, event, len(business_days(as_of + timedelta(days=1), event, cal))
    return None
