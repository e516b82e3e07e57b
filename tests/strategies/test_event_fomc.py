"""FOMC pre-event positioning on tiny hand-built frames (the 16 March 2022 meeting)."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.calendars import business_days
from macro_models.strategies.event_fomc import (
    BILL_3M,
    FED_FUNDS,
    UST10,
    FomcEvent,
    implied_move_bp,
    zn_price,
)

MON = date(2022, 3, 14)  # FOMC decides Wednesday 16 March 2022 at 14:00 ET (first hike)


def frame(as_of: date, move_bp: float, decision: date = date(2022, 3, 16), ff: float = 0.08):
    """NYSE sessions to ``as_of``; the last 3M bill prices ``move_bp`` for ``decision``."""
    start = as_of - timedelta(days=90)
    idx = pd.DatetimeIndex(business_days(start, as_of, "NYSE"), name="date")
    days = (decision - as_of).days + 1
    bill = ff + move_bp / 100 * (91 - days) / 91 if days < 91 else ff
    y10 = 2.0 + np.where(np.arange(len(idx)) % 2 == 0, 0.03, -0.03)
    out = pd.DataFrame({FED_FUNDS: ff, BILL_3M: ff, UST10: y10}, index=idx)
    out.iloc[-1, 1] = bill
    return out


def test_implied_move_by_hand():
    # 3 days at 0.08 %, 88 days at 0.38 %: bill = (3·0.08 + 88·0.38)/91 ⇒ +30 bp.
    bill = (3 * 0.08 + 88 * 0.38) / 91
    assert_allclose(implied_move_bp(bill, 0.08, 3), 30.0)
    assert_allclose(implied_move_bp(bill + 0.05, 0.08, 3, basis_pp=0.05), 30.0)
    with pytest.raises(ValueError, match="not inside 91"):
        implied_move_bp(1.0, 1.0, 91)


def test_more_than_the_step_priced_buys_zn():
    data = frame(MON, 30.0)
    sig = FomcEvent(pre_event_sessions=5, entry_z=0.3).signal(data, MON)
    (e,) = sig.exposures
    d = sig.diagnostics
    assert (d["decision"], d["sessions_to_event"], d["days_before"]) == ("2022-03-16", 2, 3)
    assert_allclose(d["move_priced_bp"], 30.0)
    assert d["nearest_step_bp"] == 25.0
    assert_allclose([e.zscore, e.exposure], [0.4, 0.4])
    y = data[UST10].to_numpy()
    sd = np.std(np.diff(y)[-63:], ddof=1) * np.sqrt(5)
    assert_allclose(
        [e.entry, e.stop, e.take_profit],
        [zn_price(y[-1]), zn_price(y[-1] + 2 * sd), zn_price(y[-1] - 2 * sd)],
    )
    assert e.stop < e.entry < e.take_profit
    assert "long ZN" in sig.rationale


def test_less_than_the_step_priced_sells_zn():
    (e,) = FomcEvent().signal(frame(MON, 20.0), MON).exposures
    assert_allclose(e.exposure, -0.4)
    assert e.take_profit < e.entry < e.stop


@pytest.mark.parametrize(
    ("as_of", "held"),
    [
        (date(2022, 3, 8), False),  # 6 sessions out
        (date(2022, 3, 9), True),  # 5 sessions out
        (date(2022, 3, 15), True),  # the eve
        (date(2022, 3, 16), False),  # decided in the session: flat at its close
    ],
)
def test_window_and_flatten_after(as_of, held):
    (e,) = FomcEvent(pre_event_sessions=5).signal(frame(as_of, 30.0), as_of).exposures
    assert (e.exposure != 0.0) == held


def test_unscheduled_and_cancelled_meetings_of_march_2020():
    # 2 March 2020: the unscheduled cut of the 3rd was unknown; the next known is the 18th.
    sig = FomcEvent().signal(
        frame(date(2020, 3, 2), 30.0, date(2020, 3, 18), 1.58), date(2020, 3, 2)
    )
    assert sig.diagnostics["decision"] == "2020-03-18"
    assert sig.exposures[0].exposure == 0.0  # 12 sessions out
    # Friday 13th: the 18th is still on, three sessions away.
    fri = date(2020, 3, 13)
    sig = FomcEvent().signal(frame(fri, 30.0, date(2020, 3, 18), 1.10), fri)
    assert (sig.diagnostics["decision"], sig.diagnostics["sessions_to_event"]) == ("2020-03-18", 3)
    # Monday 16th: the 18th was cancelled on the 15th; next is 29 April.
    mon = date(2020, 3, 16)
    sig = FomcEvent().signal(frame(mon, 0.0, date(2020, 4, 29), 0.10), mon)
    assert sig.diagnostics["decision"] == "2020-04-29"


def test_no_look_ahead():
    data = frame(MON, 30.0)
    model = FomcEvent()
    before = model.signal(data, MON)
    later = pd.DataFrame(
        {FED_FUNDS: [0.33, 0.33], BILL_3M: [0.9, 1.0], UST10: [2.5, 2.6]},
        index=pd.DatetimeIndex(["2022-03-15", "2022-03-17"]),
    )
    assert model.signal(pd.concat([data, later]), MON) == before


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"pre_event_sessions": 0}, "pre_event_sessions"),
        ({"step_bp": -25.0}, "step_bp"),
        ({"entry_z": 1.5}, "entry_z"),
        ({"take_profit_sigmas": 0.0}, "sigmas"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        FomcEvent(**kwargs).signal(frame(MON, 30.0), MON)
