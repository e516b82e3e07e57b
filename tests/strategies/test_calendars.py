"""COPOM and FOMC decision dates: counts per year, known dates, and session counting."""

from collections import Counter
from datetime import date

import pytest

from macro_models.calendars import is_business_day
from macro_models.strategies.calendars import (
    COPOM_DECISIONS,
    FOMC_SCHEDULED,
    copom_meetings,
    fomc_meetings,
    known_scheduled,
    next_event,
)


def test_eight_copom_meetings_a_year_2012_2026():
    counts = Counter(d.year for d in COPOM_DECISIONS)
    assert counts == {y: 8 for y in range(2012, 2027)}
    assert list(COPOM_DECISIONS) == sorted(set(COPOM_DECISIONS))


def test_eight_scheduled_fomc_meetings_a_year_2012_2026():
    counts = Counter(m.decision.year for m in fomc_meetings() if m.scheduled)
    assert counts == {y: 8 for y in range(2012, 2027)}
    assert list(FOMC_SCHEDULED) == sorted(set(FOMC_SCHEDULED))


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 8, 5),  # cut to 2.00 %, the COVID low
        date(2016, 10, 19),  # first cut of the 2016-17 easing (14.25 → 14.00)
        date(2021, 3, 17),  # first hike of the 2021-22 cycle (2.00 → 2.75)
        date(2022, 8, 3),  # last hike, to 13.75 %
        date(2023, 8, 2),  # first cut of 2023 (13.75 → 13.25)
        date(2015, 7, 29),  # last hike of 2015, to 14.25 %
    ],
)
def test_known_copom_decisions(day):
    assert day in COPOM_DECISIONS
    assert is_business_day(day, "B3")


def test_copom_decisions_are_wednesdays_on_b3_sessions_mostly():
    # The two-day meetings end on a Wednesday (Tuesday–Wednesday) in every year listed.
    assert all(d.weekday() == 2 for d in COPOM_DECISIONS)
    assert all(m.bank == "COPOM" and m.scheduled for m in copom_meetings())


def test_fomc_march_2020():
    by_day = {m.decision: m for m in fomc_meetings()}
    assert not by_day[date(2020, 3, 3)].scheduled  # 50 bp cut, Tuesday
    sunday = by_day[date(2020, 3, 15)]
    assert not sunday.scheduled and sunday.decision.weekday() == 6  # 100 bp cut, a Sunday
    cancelled = by_day[date(2020, 3, 18)]
    assert cancelled.scheduled and cancelled.cancelled_on == date(2020, 3, 15)
    assert sum(not m.scheduled for m in fomc_meetings()) == 2


@pytest.mark.parametrize(
    "day",
    [
        date(2015, 12, 16),  # lift-off
        date(2022, 3, 16),  # first hike of 2022
        date(2022, 6, 15),  # 75 bp
        date(2019, 7, 31),  # first cut of 2019
        date(2012, 3, 13),  # one-day meeting
        date(2023, 7, 26),  # last hike, to 5.25–5.50 %
    ],
)
def test_known_fomc_decisions(day):
    assert day in FOMC_SCHEDULED
    assert is_business_day(day, "NYSE")


def test_known_scheduled_hides_unscheduled_and_cancellations_once_announced():
    meetings = fomc_meetings()
    before = known_scheduled(meetings, date(2020, 3, 2))
    assert date(2020, 3, 18) in before and date(2020, 3, 3) not in before
    after = known_scheduled(meetings, date(2020, 3, 15))
    assert date(2020, 3, 18) not in after and date(2020, 3, 15) not in after


def test_next_event_counts_sessions_to_the_first_tradable_session():
    # COPOM 2020-08-05 (Wednesday) decides after the close: first tradable session Thursday 6th.
    assert next_event(list(COPOM_DECISIONS), date(2020, 8, 3), "B3", 1) == (
        date(2020, 8, 5),
        date(2020, 8, 6),
        3,  # Tue 4, Wed 5, Thu 6
    )
    # On the decision day the position is still held: one session to go.
    assert next_event(list(COPOM_DECISIONS), date(2020, 8, 5), "B3", 1)[2] == 1
    # The day after, the next meeting is the one ahead.
    assert next_event(list(COPOM_DECISIONS), date(2020, 8, 6), "B3", 1)[0] == date(2020, 9, 16)
    # FOMC decides in the session: on the decision day the next event is the next meeting.
    fomc = known_scheduled(fomc_meetings(), date(2022, 3, 15))
    assert next_event(fomc, date(2022, 3, 15), "NYSE", 0) == (
        date(2022, 3, 16),
        date(2022, 3, 16),
        1,
    )
    assert next_event(fomc, date(2022, 3, 16), "NYSE", 0)[0] == date(2022, 5, 4)
    assert next_event(list(COPOM_DECISIONS), date(2027, 1, 1), "B3", 1) is None


def test_every_listed_decision_is_a_session_of_its_market():
    assert all(is_business_day(d, "B3") for d in COPOM_DECISIONS)
    assert all(is_business_day(d, "NYSE") for d in FOMC_SCHEDULED)
