"""COPOM pre-event positioning on tiny hand-built frames (the 5 August 2020 meeting)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.calendars import business_days
from macro_models.strategies.event_copom import (
    DI21,
    DI63,
    SELIC,
    CopomEvent,
    grid_z,
    implied_move_bp,
)

MON = date(2020, 8, 3)  # COPOM decides Wednesday 5 August after the close (2.25 → 2.00 %)


def frame(as_of: date, move_bp: float, selic: float = 2.25, spread: float = 0.10):
    """B3 sessions to ``as_of``; the last DI 21d prices ``move_bp`` for the 5 August meeting."""
    idx = pd.DatetimeIndex(business_days(date(2020, 6, 1), as_of, "B3"), name="date")
    k = len(business_days(as_of, date(2020, 8, 5), "B3"))
    c0 = selic - spread
    di21 = c0 + np.where(np.arange(len(idx)) % 2 == 0, 0.02, -0.02)
    di21[-1] = c0 + move_bp / 100 * (21 - k) / 21
    return pd.DataFrame({DI21: di21, DI63: c0 - 0.3, SELIC: selic}, index=idx)


def test_implied_move_and_grid_by_hand():
    # 3 sessions at 2.15 %, 18 at c1: r21 = (3·2.15 + 18·1.85)/21 ⇒ move −30 bp.
    r21 = (3 * 2.15 + 18 * 1.85) / 21
    assert_allclose(implied_move_bp(r21, 2.15, 3), -30.0)
    assert grid_z(-30.0, 25.0) == (-25.0, -0.4)
    assert grid_z(60.0, 25.0) == (50.0, 0.8)
    with pytest.raises(ValueError, match="not inside 21"):
        implied_move_bp(2.0, 2.0, 21)


def test_too_big_a_cut_priced_pays_di1_before_the_meeting():
    data = frame(MON, -30.0)
    sig = CopomEvent(pre_event_sessions=5, entry_z=0.3).signal(data, MON)
    (e,) = sig.exposures
    d = sig.diagnostics
    assert (d["decision"], d["sessions_to_event"], d["sessions_before"]) == ("2020-08-05", 3, 3)
    assert_allclose(d["move_priced_bp"], -30.0)
    assert d["nearest_step_bp"] == -25.0
    assert_allclose(e.zscore, -0.4)
    assert_allclose(e.exposure, 0.4)  # pricing should drift back toward −25 bp: pay
    sd = np.std(np.diff(data[DI21].to_numpy()), ddof=1) * np.sqrt(5)
    r21 = data[DI21].iloc[-1]
    assert_allclose([e.entry, e.stop, e.take_profit], [r21, r21 - 2 * sd, r21 + 2 * sd])
    assert_allclose(d["move_priced_3m_bp"], -30.0)
    assert "pay DI1" in sig.rationale


def test_too_small_a_cut_priced_receives():
    (e,) = CopomEvent().signal(frame(MON, -20.0), MON).exposures
    assert_allclose(e.exposure, -0.4)
    assert e.stop > e.entry > e.take_profit


def test_on_the_grid_is_flat():
    (e,) = CopomEvent().signal(frame(MON, -25.0), MON).exposures
    assert e.exposure == 0.0


@pytest.mark.parametrize(
    ("as_of", "held"),
    [
        (date(2020, 7, 28), False),  # 7 sessions to the 6th: too early for 5
        (date(2020, 7, 30), True),  # 5 sessions
        (date(2020, 8, 5), True),  # decision day: held into the evening announcement
        (date(2020, 8, 6), False),  # the market has traded on it: flat
    ],
)
def test_window_and_flatten_after(as_of, held):
    (e,) = CopomEvent(pre_event_sessions=5).signal(frame(as_of, -30.0), as_of).exposures
    assert (e.exposure != 0.0) == held


def test_stale_quote_is_flat():
    data = frame(MON, -30.0).iloc[:-6]  # last DI quote 24 July, 10 days old
    sig = CopomEvent(max_quote_age_days=7).signal(data, MON)
    assert sig.exposures[0].exposure == 0.0
    assert "too old" in sig.rationale


def test_no_look_ahead():
    data = frame(MON, -30.0)
    model = CopomEvent()
    before = model.signal(data, MON)
    later = pd.DataFrame(
        {DI21: [1.5, 1.9], DI63: [1.0, 1.0], SELIC: [2.0, 2.0]},
        index=pd.DatetimeIndex(["2020-08-04", "2020-08-06"]),
    )
    assert model.signal(pd.concat([data, later]), MON) == before


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"pre_event_sessions": 0}, "pre_event_sessions"),
        ({"step_bp": 0.0}, "step_bp"),
        ({"entry_z": 1.0}, "entry_z"),
        ({"max_quote_age_days": -1}, "max_quote_age_days"),
        ({"stop_sigmas": 0.0}, "sigmas"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CopomEvent(**kwargs).signal(frame(MON, -30.0), MON)
