"""Monetary-policy agent: the Selic target against a Taylor (1993) rule for Brazil.

    i* = r* + π + a·(π − π*) + b·y

with π the 12-month IPCA known at the date, π* the CMN target for the year, r* the neutral real
rate and y the output gap (not yet estimated: taken as 0 and said so in the diagnostics).
A Selic above i* means policy is tighter than the rule: the rule points to cuts (dovish).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.agents.report import AgentReport, AgentSignal, Direction
from macro_models.catalog.inflation_targets import InflationTarget

SELIC = "bcb_sgs__432"
IPCA = "bcb_sgs__433"


def ipca_12m(monthly_pct: pd.Series) -> float:
    """12-month IPCA (%) compounded from the last 12 monthly changes (%), which must be contiguous.

    Raises
    ------
    ValueError
        If fewer than 12 consecutive months end the series.
    """
    s = monthly_pct.dropna().sort_index()
    if len(s) < 12:
        raise ValueError(f"12-month IPCA needs 12 monthly values, got {len(s)}")
    last = s.iloc[-12:]
    months = pd.PeriodIndex(pd.DatetimeIndex(last.index), freq="M")
    if not months.is_unique or (months[-1] - months[0]).n != 11:
        raise ValueError(f"the last 12 IPCA months are not contiguous: {months[0]}..{months[-1]}")
    return float((np.prod(1 + last.to_numpy() / 100) - 1) * 100)


class TaylorRuleAgent:
    """Parameters
    ----------
    neutral_real_rate : float
        r*, % p.a. (BCB's own estimates were 4.5–5 in 2022–2024).
    inflation_weight, gap_weight : float
        a and b in the rule (Taylor 1993: 0.5 and 0.5).
    neutral_band : float
        |Selic − i*| in pp below which the view is neutral.
    """

    agent_id = "monetary_policy"

    def __init__(
        self,
        neutral_real_rate: float = 4.5,
        inflation_weight: float = 0.5,
        gap_weight: float = 0.5,
        neutral_band: float = 1.0,
    ) -> None:
        self.neutral_real_rate = neutral_real_rate
        self.inflation_weight = inflation_weight
        self.gap_weight = gap_weight
        self.neutral_band = neutral_band

    def rule_rate(self, inflation: float, target: float, output_gap: float = 0.0) -> float:
        return (
            self.neutral_real_rate
            + inflation
            + self.inflation_weight * (inflation - target)
            + self.gap_weight * output_gap
        )

    def run(
        self,
        selic: pd.Series,
        ipca_monthly: pd.Series,
        target: InflationTarget,
        as_of: date,
    ) -> AgentReport:
        """``selic`` and ``ipca_monthly`` must already be point-in-time for ``as_of``."""
        selic = selic.dropna().sort_index()
        if selic.empty:
            raise ValueError("no Selic target known")
        selic_now, selic_date = float(selic.iloc[-1]), selic.index[-1].date()
        infl = ipca_12m(ipca_monthly)
        last_ipca_month = ipca_monthly.dropna().index.max().date()
        rule = self.rule_rate(infl, target.target_pct)
        gap = selic_now - rule
        direction: Direction
        if abs(gap) < self.neutral_band:
            direction, stance = 0, "in line with"
        elif gap > 0:
            direction, stance = -1, "tighter than"
        else:
            direction, stance = 1, "looser than"
        strength = float(min(abs(gap) / 3.0, 1.0))
        staleness_days = (as_of - last_ipca_month).days
        # Older inflation data and the missing output gap both lower confidence.
        confidence = float(np.clip(0.7 - max(staleness_days - 45, 0) / 100, 0.2, 0.7))
        word = {1: "hawkish", -1: "dovish", 0: "neutral"}[direction]
        headline = (
            f"Selic {selic_now:.2f}% is {stance} the Taylor rule's {rule:.2f}% "
            f"(IPCA 12m {infl:.2f}% vs target {target.target_pct:.2f}%): {word}"
        )
        return AgentReport(
            agent_id=self.agent_id,
            as_of_date=as_of,
            headline=headline,
            signals=[
                AgentSignal(
                    signal_id="br_policy_rate_vs_taylor",
                    direction=direction,
                    strength=round(strength, 4),
                    confidence=round(confidence, 4),
                    horizon="3m",
                    rationale=f"Selic − rule = {gap:+.2f} pp",
                )
            ],
            key_drivers=[
                f"IPCA 12m {infl:.2f}% ({infl - target.target_pct:+.2f} pp vs target)",
                f"Selic target {selic_now:.2f}% in force since at least {selic_date}",
                f"neutral real rate assumed {self.neutral_real_rate:.2f}%",
            ],
            risks=[
                "output gap not yet estimated (taken as zero)",
                "backward-looking inflation; Focus expectations not yet used",
                f"inflation outside the ±{target.tolerance_pp} pp tolerance band"
                if abs(infl - target.target_pct) > target.tolerance_pp
                else "inflation within the tolerance band",
            ],
            diagnostics={
                "selic_pct": selic_now,
                "selic_observation_date": selic_date.isoformat(),
                "ipca_12m_pct": round(infl, 4),
                "ipca_last_month": last_ipca_month.isoformat(),
                "inflation_target_pct": target.target_pct,
                "taylor_rate_pct": round(rule, 4),
                "policy_gap_pp": round(gap, 4),
                "params": {
                    "neutral_real_rate": self.neutral_real_rate,
                    "inflation_weight": self.inflation_weight,
                    "gap_weight": self.gap_weight,
                    "neutral_band": self.neutral_band,
                },
            },
        )
