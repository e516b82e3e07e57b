"""FOMC pre-event positioning in ZN: bet that the priced move settles on the 25 bp grid.

The move priced for the next scheduled FOMC comes from the 3-month Treasury (``ust_par:3M``)
against the effective fed funds rate (``fred__DFF``), reading the bill as the average expected
overnight rate over its 91 days (linear approximation, bill–funds basis ``basis_pp``): with d
of those days still at today's rate f₀ (the new rate runs from the day after the decision),

    y₃ₘ − basis = (d·f₀ + (91 − d)·f₁) / 91   ⇒   move = (y₃ₘ − basis − f₀) · 91 / (91 − d).

z = (move − nearest 25 bp step) / 12.5 bp; the position bets the pricing settles on the
nearest step: more priced than that step (z > 0) means yields should fall, so long ZN (+z),
and the reverse. Held in the ``pre_event_sessions`` NYSE sessions before the decision day (the
statement comes out at 14:00 ET, inside the session), flat from the decision's close on. Only
scheduled meetings count: unscheduled ones were not known in advance.
ZN is quoted as a price per 100: a 10-year 6 % note at the 10-year par yield.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.calendars import fomc_meetings, known_scheduled, next_event
from macro_models.strategies.levels import zn_price

FED_FUNDS = "fred__DFF"
BILL_3M = "ust_par:3M"
UST10 = "ust_par:10Y"
BILL_DAYS = 91


def implied_move_bp(bill_pct: float, funds_pct: float, days_before: int, basis_pp=0.0) -> float:
    """Move (bp) of fed funds priced in the 3-month bill, ``days_before`` days ahead."""
    if not 0 <= days_before < BILL_DAYS:
        raise ValueError(f"the decision is {days_before} days out, not inside 91")
    return (bill_pct - basis_pp - funds_pct) * BILL_DAYS / (BILL_DAYS - days_before) * 100


class FomcEvent:
    """Parameters
    ----------
    pre_event_sessions : int
        NYSE sessions before the decision day in which the position is held (>= 1).
    step_bp : float
        The decision grid (bp).
    entry_z : float
        |z| from which a position is taken, in [0, 1).
    basis_pp : float
        Expected 3M bill − fed funds spread when no move is priced (pp).
    stop_sigmas, take_profit_sigmas : float
        Stop and take-profit distances in sd of the 10y yield's daily change (last 63) times
        √pre_event_sessions, turned into ZN prices.
    """

    strategy_id = "event_fomc"
    asset_class = "event"
    columns = (FED_FUNDS, BILL_3M, UST10)
    lookback_days = 120

    def __init__(
        self,
        pre_event_sessions: int = 5,
        step_bp: float = 25.0,
        entry_z: float = 0.3,
        basis_pp: float = 0.0,
        stop_sigmas: float = 2.0,
        take_profit_sigmas: float = 2.0,
    ) -> None:
        self.pre_event_sessions = pre_event_sessions
        self.step_bp = step_bp
        self.entry_z = entry_z
        self.basis_pp = basis_pp
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas

    def _check(self) -> None:
        if self.pre_event_sessions < 1 or self.step_bp <= 0:
            raise ValueError("pre_event_sessions must be >= 1 and step_bp > 0")
        if not 0 <= self.entry_z < 1:
            raise ValueError(f"entry_z must be in [0, 1), got {self.entry_z}")
        if self.stop_sigmas <= 0 or self.take_profit_sigmas <= 0:
            raise ValueError("stop_sigmas and take_profit_sigmas must be > 0")

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        self._check()
        data = data.loc[: pd.Timestamp(as_of)]
        curve = data[[BILL_3M, UST10]].dropna()
        funds = data[FED_FUNDS].dropna()
        if curve.empty or funds.empty:
            raise ValueError(f"no UST 3M/10Y or fed funds known at {as_of}")
        quote_day = curve.index[-1].date()
        bill, y10 = (float(v) for v in curve.iloc[-1])
        funds = funds.loc[: curve.index[-1]]
        if funds.empty:
            raise ValueError(f"no fed funds known by the curve date {quote_day}")
        f0 = float(funds.iloc[-1])
        decisions = known_scheduled(fomc_meetings(), as_of)
        nxt = next_event(decisions, as_of, "NYSE", tradable_lag=0)
        diag: dict = {"bill_3m_pct": bill, "fed_funds_pct": f0, "quote_date": quote_day.isoformat()}
        z, exposure, why = 0.0, 0.0, "no scheduled FOMC listed ahead"
        if nxt is not None:
            decision, _, sessions = nxt
            days = (decision - quote_day).days + 1
            diag.update(decision=decision.isoformat(), sessions_to_event=sessions)
            if days < BILL_DAYS:
                move = implied_move_bp(bill, f0, days, self.basis_pp)
                nearest = float(np.round(move / self.step_bp) * self.step_bp)
                z = (move - nearest) / (self.step_bp / 2)
                diag.update(move_priced_bp=move, nearest_step_bp=nearest, days_before=days)
                why = (
                    f"FOMC {decision}: 3M bill {bill:.2f}% vs fed funds {f0:.2f}% prices "
                    f"{move:+.1f} bp, nearest step {nearest:+.0f} bp (z {z:+.2f})"
                )
            else:
                why = f"FOMC {decision} is {days} days out: beyond the 3M bill"
            if 1 <= sessions <= self.pre_event_sessions and abs(z) >= self.entry_z:
                exposure = float(np.clip(z, -1, 1))
            elif sessions > self.pre_event_sessions:
                why += f"; {sessions} sessions out, outside the {self.pre_event_sessions}"
        steps = curve[UST10].diff().dropna().iloc[-63:]
        sd = float(steps.std(ddof=1)) * np.sqrt(self.pre_event_sessions) if len(steps) > 1 else 0.0
        up = int(np.sign(z))  # a long ZN gains when the yield falls
        leg = TargetExposure(
            "ZN",
            exposure,
            z,
            zn_price(y10),
            zn_price(y10 + up * self.stop_sigmas * sd),
            zn_price(y10 - up * self.take_profit_sigmas * sd),
        )
        word = "long" if exposure > 0 else "short" if exposure < 0 else "flat"
        return StrategySignal(self.strategy_id, as_of, [leg], f"{why}: {word} ZN", diag)
