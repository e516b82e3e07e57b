"""COPOM pre-event positioning in DI1: bet that the priced move settles on the decision grid.

The move priced for the next meeting comes from the 21-session DI rate, the average of the
overnight rate over its 21 sessions (linear approximation): with k of them still at today's
CDI c₀ (the Selic target − ``cdi_spread_pp``; the new target runs from the session after the
decision),

    r₂₁ = (k·c₀ + (21 − k)·c₁) / 21   ⇒   move = (r₂₁ − c₀) · 21 / (21 − k).

COPOM moves in multiples of ``step_bp`` (25 bp); a pricing between two steps must resolve to
one of them, and the strategy bets on the nearest: z = (move − nearest step) / (step / 2),
exposure −z (receive DI1 when more than the nearest step is priced), only when |z| ≥
``entry_z`` and only in the ``pre_event_sessions`` B3 sessions before the first session that
can trade on the decision (the one after the decision day: COPOM announces after the close);
flat afterwards. DI1 +1 = pay (long the rate). The 63-session DI gives the move priced over
about three months (diagnostics).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.calendars import business_days
from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.calendars import COPOM_DECISIONS, next_event

DI21 = "di1:21"
DI63 = "di1:63"
SELIC = "bcb_sgs__432"
WINDOW_BD = 21


def implied_move_bp(rate_pct: float, overnight_pct: float, sessions_before: int) -> float:
    """Move (bp) of the overnight rate priced in a 21-session rate, k sessions before it."""
    if not 0 <= sessions_before < WINDOW_BD:
        raise ValueError(f"the decision is {sessions_before} sessions out, not inside 21")
    return (rate_pct - overnight_pct) * WINDOW_BD / (WINDOW_BD - sessions_before) * 100


def grid_z(move_bp: float, step_bp: float) -> tuple[float, float]:
    """(nearest step, (move − nearest) / (step/2)) — z in [−1, 1]."""
    nearest = float(np.round(move_bp / step_bp) * step_bp)
    return nearest, (move_bp - nearest) / (step_bp / 2)


class CopomEvent:
    """Parameters
    ----------
    pre_event_sessions : int
        Sessions before the tradable session in which the position is held (>= 1).
    step_bp : float
        The decision grid (bp).
    entry_z : float
        |z| from which a position is taken, in [0, 1).
    cdi_spread_pp : float
        Selic target − CDI (pp); 0.10 since the CDI settled 10 bp under the target.
    max_quote_age_days : int
        Oldest DI quote (calendar days) to trade on; older quotes leave the book flat.
    stop_sigmas, take_profit_sigmas : float
        Stop and take-profit distances in sd of the 21-session DI rate's change per quote
        times √pre_event_sessions.
    """

    strategy_id = "event_copom"
    asset_class = "event"
    columns = (DI21, DI63, SELIC)
    lookback_days = 180

    def __init__(
        self,
        pre_event_sessions: int = 5,
        step_bp: float = 25.0,
        entry_z: float = 0.3,
        cdi_spread_pp: float = 0.10,
        max_quote_age_days: int = 7,
        stop_sigmas: float = 2.0,
        take_profit_sigmas: float = 2.0,
    ) -> None:
        self.pre_event_sessions = pre_event_sessions
        self.step_bp = step_bp
        self.entry_z = entry_z
        self.cdi_spread_pp = cdi_spread_pp
        self.max_quote_age_days = max_quote_age_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas

    def _check(self) -> None:
        if self.pre_event_sessions < 1 or self.step_bp <= 0:
            raise ValueError("pre_event_sessions must be >= 1 and step_bp > 0")
        if not 0 <= self.entry_z < 1:
            raise ValueError(f"entry_z must be in [0, 1), got {self.entry_z}")
        if self.max_quote_age_days < 0 or self.stop_sigmas <= 0 or self.take_profit_sigmas <= 0:
            raise ValueError("max_quote_age_days >= 0, stop/take-profit sigmas > 0 required")

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        self._check()
        data = data.loc[: pd.Timestamp(as_of)]
        di = data[[DI21, DI63]].dropna()
        selic = data[SELIC].dropna()
        if di.empty or selic.empty:
            raise ValueError(f"no DI 21/63 or Selic target known at {as_of}")
        quote_day = di.index[-1].date()
        r21, r63 = (float(v) for v in di.iloc[-1])
        c0 = float(selic.loc[: di.index[-1]].iloc[-1]) - self.cdi_spread_pp
        nxt = next_event(list(COPOM_DECISIONS), as_of, "B3", tradable_lag=1)
        diag: dict = {
            "di21_pct": r21,
            "di63_pct": r63,
            "cdi_pct": c0,
            "quote_date": quote_day.isoformat(),
            "move_priced_3m_bp": (r63 - c0) * 100,
        }
        z, exposure, why = 0.0, 0.0, "no COPOM decision listed ahead"
        if nxt is not None:
            decision, event, sessions = nxt
            k = len(business_days(quote_day, decision, "B3"))
            diag.update(decision=decision.isoformat(), sessions_to_event=sessions)
            if k < WINDOW_BD:
                move = implied_move_bp(r21, c0, k)
                nearest, z = grid_z(move, self.step_bp)
                diag.update(move_priced_bp=move, nearest_step_bp=nearest, sessions_before=k)
                why = (
                    f"COPOM {decision}: DI 21d {r21:.2f}% vs CDI {c0:.2f}% prices "
                    f"{move:+.1f} bp, nearest step {nearest:+.0f} bp (z {z:+.2f})"
                )
            else:
                why = f"COPOM {decision} is {k} sessions past the DI quote: beyond 21"
            fresh = (as_of - quote_day).days <= self.max_quote_age_days
            if not fresh:
                why += f"; DI quote of {quote_day} too old"
            if 1 <= sessions <= self.pre_event_sessions and fresh and abs(z) >= self.entry_z:
                exposure = float(np.clip(-z, -1, 1))
            elif sessions > self.pre_event_sessions:
                why += f"; {sessions} sessions out, outside the {self.pre_event_sessions}"
        steps = di[DI21].diff().dropna()
        sd = float(steps.std(ddof=1)) if len(steps) > 1 else 0.0
        sd *= np.sqrt(self.pre_event_sessions)
        up = int(np.sign(-z))
        leg = TargetExposure(
            "DI1",
            exposure,
            z,
            r21,
            r21 - up * self.stop_sigmas * sd,
            r21 + up * self.take_profit_sigmas * sd,
        )
        word = "pay" if exposure > 0 else "receive" if exposure < 0 else "flat"
        return StrategySignal(self.strategy_id, as_of, [leg], f"{why}: {word} DI1", diag)
