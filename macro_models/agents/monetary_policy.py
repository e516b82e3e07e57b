"""Monetary-policy agent: policy rates against Taylor (1993) rules, and the DI1-implied path.

    i* = r* + π + a·(π − π*) + b·y

Brazil: the Selic target (SGS 432) against the rule with π the 12-month IPCA known at the date
(or, when given, the Focus median of IPCA over the next 12 months, as the BCB looks ahead),
π* the CMN target for the year, r* the neutral real rate and y the output gap: IBC-Br (SGS
24363) in logs, calendar-month effects removed, minus a one-sided HP trend, i.e. the trend
fitted to the data known at the date only, read at its last point. (The catalog calls 24363
seasonally adjusted, but the stored values swing ~9 % every March, as the unadjusted index
does: the month effects are estimated on the same known window, so the gap stays one-sided.)

United States: the effective fed funds rate (FRED DFF) against the same rule with π core PCE
over 12 months, π* = 2 and y = −okun·(u − NAIRU) from the unemployment rate (Okun's law, fixed
NAIRU).

A policy rate above i* means policy is tighter than the rule: the rule points to cuts
(dovish, −1). The DI1-implied Selic path, its gap to the Focus survey and the policy surprise
come from ``macro_models.agents.policy_path``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tsa.filters.hp_filter import hpfilter

from macro_models.agents import policy_path
from macro_models.agents.policy_path import DiPolicyPath
from macro_models.agents.report import AgentReport, AgentSignal, Direction
from macro_models.catalog.inflation_targets import InflationTarget, target_for
from macro_models.pit import PointInTimeLoader

SELIC = "bcb_sgs__432"
IPCA = "bcb_sgs__433"
IBC_BR = "bcb_sgs__24363"
FOCUS_IPCA_12M = "bcb_focus__ipca_12m_median"
FED_FUNDS = "fred__DFF"
US_CORE_PCE_12M = "macro:us_core_pce_12m"
US_CORE_CPI_12M = "macro:us_core_cpi_12m"
UNRATE = "fred__UNRATE"
BR_SIGNAL = "br_policy_vs_taylor"
US_SIGNAL = "us_policy_vs_taylor"
WORDS = {1: "hawkish", -1: "dovish", 0: "neutral"}


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


def output_gap(
    level: pd.Series,
    lamb: float = 129600.0,
    window: int = 120,
    deseasonalise: bool = True,
) -> float:
    """Output gap (% of trend) at the last observation, from a one-sided HP trend.

    Parameters
    ----------
    level : pd.Series
        A monthly activity index (e.g. IBC-Br), indexed by month (DatetimeIndex); only the rows
        given are used, so pass the data known at the date.
    lamb : float
        HP smoothing (129 600 for monthly data, Ravn and Uhlig 2002).
    window : int
        Months of history the trend is fitted on (the most recent ones).
    deseasonalise : bool
        Remove calendar-month means of the detrended series first (estimated on the same
        window, so still one-sided). The real SGS 24363 data carry a strong seasonal pattern;
        on an adjusted series the means are close to zero and this changes little.

    Returns
    -------
    float
        100·(log y_T − log trend_T), where the trend is fitted on data up to T only: the end
        point of a two-sided HP filter run on the known history is the one-sided estimate.
    """
    s = level.dropna().sort_index().iloc[-window:]
    if len(s) < 24:
        raise ValueError(f"the output gap needs at least 24 months, got {len(s)}")
    x = pd.Series(100 * np.log(s.to_numpy(dtype=float)), index=s.index)
    if deseasonalise:
        cycle, _ = hpfilter(x.to_numpy(), lamb=lamb)
        month = pd.DatetimeIndex(s.index).month
        seasonal = pd.Series(cycle, index=s.index).groupby(month).transform("mean")
        x = x - (seasonal - seasonal.mean())
    cycle, _ = hpfilter(x.to_numpy(), lamb=lamb)
    return float(cycle[-1])


def taylor_rate(
    neutral_real_rate: float,
    inflation: float,
    target: float,
    output_gap: float = 0.0,
    inflation_weight: float = 0.5,
    gap_weight: float = 0.5,
) -> float:
    """Taylor (1993): i = r* + π + a·(π − π*) + b·y, all in % (p.a. or of potential)."""
    return (
        neutral_real_rate
        + inflation
        + inflation_weight * (inflation - target)
        + (gap_weight * output_gap)
    )


def _known(series: pd.Series | None, as_of: date) -> pd.Series | None:
    """The rows dated on or before ``as_of`` (a report for D never reads rows after D)."""
    if series is None:
        return None
    s = series.dropna().sort_index()
    if s.empty:
        return None
    s = s[pd.DatetimeIndex(s.index) <= pd.Timestamp(as_of)]
    return s if not s.empty else None


def _stance(gap: float, band: float) -> tuple[Direction, str]:
    if abs(gap) < band:
        return 0, "in line with"
    return (-1, "tighter than") if gap > 0 else (1, "looser than")


@dataclass(frozen=True)
class _Fed:
    rate: float
    rate_date: date
    inflation: float
    inflation_month: date
    unemployment: float | None
    gap: float
    rule: float


class TaylorRuleAgent:
    """Parameters
    ----------
    neutral_real_rate : float
        r* for Brazil, % p.a. (BCB's own estimates were 4.5–5 in 2022–2024).
    inflation_weight, gap_weight : float
        a and b in the rule (Taylor 1993: 0.5 and 0.5), both countries.
    neutral_band : float
        |policy rate − i*| in pp below which the view is neutral.
    us_neutral_real_rate : float
        r* for the US, % p.a. (FOMC longer-run funds rate 2.5 minus the 2 % target).
    us_inflation_target : float
        The Fed's target, % (PCE).
    nairu : float
        Fixed US NAIRU, % (CBO's estimate was 4.4–4.5 in 2012–2023).
    okun_coefficient : float
        Output gap per point of unemployment gap (Okun's law: about 2).
    hp_lambda : float
        Smoothing of the one-sided HP trend of IBC-Br.
    use_expectations : bool
        Drive the Brazilian signal with the Focus 12-month IPCA median when one is given and
        fresh (the realised-inflation rule is reported either way).
    policy_path : DiPolicyPath or None
        Reads the DI1 curve (``DiPolicyPath()`` when None).
    """

    agent_id = "monetary_policy"

    def __init__(
        self,
        neutral_real_rate: float = 4.5,
        inflation_weight: float = 0.5,
        gap_weight: float = 0.5,
        neutral_band: float = 1.0,
        us_neutral_real_rate: float = 0.5,
        us_inflation_target: float = 2.0,
        nairu: float = 4.5,
        okun_coefficient: float = 2.0,
        hp_lambda: float = 129600.0,
        use_expectations: bool = True,
        policy_path: DiPolicyPath | None = None,
    ) -> None:
        self.neutral_real_rate = neutral_real_rate
        self.inflation_weight = inflation_weight
        self.gap_weight = gap_weight
        self.neutral_band = neutral_band
        self.us_neutral_real_rate = us_neutral_real_rate
        self.us_inflation_target = us_inflation_target
        self.nairu = nairu
        self.okun_coefficient = okun_coefficient
        self.hp_lambda = hp_lambda
        self.use_expectations = use_expectations
        self.policy_path = policy_path

    def rule_rate(self, inflation: float, target: float, output_gap: float = 0.0) -> float:
        """The Brazilian rule rate, % p.a."""
        return taylor_rate(
            self.neutral_real_rate,
            inflation,
            target,
            output_gap,
            self.inflation_weight,
            self.gap_weight,
        )

    def us_rule_rate(self, inflation: float, unemployment: float) -> float:
        """The US rule rate, % p.a., with the output gap from Okun's law."""
        gap = -self.okun_coefficient * (unemployment - self.nairu)
        return taylor_rate(
            self.us_neutral_real_rate,
            inflation,
            self.us_inflation_target,
            gap,
            self.inflation_weight,
            self.gap_weight,
        )

    def run(
        self,
        selic: pd.Series,
        ipca_monthly: pd.Series,
        target: InflationTarget,
        as_of: date,
        *,
        ibc_br: pd.Series | None = None,
        focus_ipca_12m: pd.Series | None = None,
        fed_funds: pd.Series | None = None,
        us_core_inflation_12m: pd.Series | None = None,
        unemployment: pd.Series | None = None,
        di1: pd.DataFrame | None = None,
        focus_selic: pd.Series | None = None,
        focus_selic_next: pd.Series | None = None,
        focus_selic_rev_4w: pd.Series | None = None,
    ) -> AgentReport:
        """The report for ``as_of`` from point-in-time inputs (rows dated after it are ignored).

        Parameters
        ----------
        selic : pd.Series
            Selic target, % p.a., daily.
        ipca_monthly : pd.Series
            IPCA monthly change, %, dated on the 1st of the month.
        target : InflationTarget
            The CMN target for ``as_of``'s year.
        ibc_br : pd.Series, optional
            IBC-Br index, monthly (the output gap; taken as 0 when absent or shorter than
            36 months).
        focus_ipca_12m : pd.Series, optional
            Focus median IPCA over the next 12 months, %, by survey date.
        fed_funds, us_core_inflation_12m, unemployment : pd.Series, optional
            Effective fed funds % p.a. (daily), core PCE 12-month %, unemployment rate %
            (monthly): the US rule; the US signal is empty (confidence 0) without them.
        di1, focus_selic, focus_selic_next, focus_selic_rev_4w : optional
            Inputs of ``DiPolicyPath.fit``.

        Raises
        ------
        ValueError
            If no Selic is known or fewer than 12 contiguous IPCA months end ``ipca_monthly``.
        """
        self._check()
        selic_known = _known(selic, as_of)
        if selic_known is None:
            raise ValueError("no Selic target known")
        ipca_known = _known(ipca_monthly, as_of)
        ipca_known = ipca_known if ipca_known is not None else ipca_monthly.iloc[:0]
        selic_now, selic_date = float(selic_known.iloc[-1]), selic_known.index[-1].date()
        infl = ipca_12m(ipca_known)
        last_ipca_month = ipca_known.index.max().date()
        missing: list[str] = []

        gap_pct, gap_month = self._br_gap(_known(ibc_br, as_of), missing)
        focus_infl = self._focus_inflation(_known(focus_ipca_12m, as_of), as_of, missing)
        rule = self.rule_rate(infl, target.target_pct, gap_pct or 0.0)
        rule_focus = (
            None
            if focus_infl is None
            else self.rule_rate(focus_infl[0], target.target_pct, gap_pct or 0.0)
        )
        use_focus = self.use_expectations and rule_focus is not None
        driving = rule_focus if use_focus and rule_focus is not None else rule
        gap = selic_now - driving
        direction, stance = _stance(gap, self.neutral_band)
        strength = float(min(abs(gap) / 3.0, 1.0))
        staleness_days = (as_of - last_ipca_month).days
        # Older inflation data lower confidence; an estimated gap and expectations raise it.
        confidence = float(np.clip(0.7 - max(staleness_days - 45, 0) / 100, 0.2, 0.7))
        confidence += 0.1 * (gap_pct is not None) + 0.1 * use_focus
        measure = (
            f"Focus IPCA 12m {focus_infl[0]:.2f}%"
            if use_focus and focus_infl is not None
            else f"IPCA 12m {infl:.2f}%"
        )
        headline = (
            f"Selic {selic_now:.2f}% is {stance} the Taylor rule's {driving:.2f}% "
            f"({measure} vs target {target.target_pct:.2f}%): {WORDS[direction]}"
        )

        fed = self._fed(fed_funds, us_core_inflation_12m, unemployment, as_of, missing)
        path = (self.policy_path or DiPolicyPath()).fit(
            di1, as_of, focus_selic, focus_selic_next, focus_selic_rev_4w
        )
        if "missing" in path.diagnostics_:
            missing.append("di1")
        signals = [
            AgentSignal(
                signal_id=BR_SIGNAL,
                direction=direction,
                strength=round(strength, 4),
                confidence=round(confidence, 4),
                horizon="3m",
                rationale=f"Selic − rule = {gap:+.2f} pp",
            ),
            self._us_signal(fed, as_of),
            *path.signals_,
        ]
        if fed is not None:
            headline += f"; fed funds {fed.rate:.2f}% vs rule {fed.rule:.2f}%"
        key_drivers = [
            f"IPCA 12m {infl:.2f}% ({infl - target.target_pct:+.2f} pp vs target)",
            f"Selic target {selic_now:.2f}% in force since at least {selic_date}",
            f"neutral real rate assumed {self.neutral_real_rate:.2f}%",
        ]
        if gap_pct is not None:
            key_drivers.append(f"IBC-Br output gap {gap_pct:+.2f}% ({gap_month})")
        if focus_infl is not None:
            key_drivers.append(f"Focus IPCA 12m {focus_infl[0]:.2f}% ({focus_infl[1]})")
        risks = [
            "output gap not yet estimated (taken as zero)"
            if gap_pct is None
            else "one-sided HP output gap: end-point estimates are revised as data arrive",
            "backward-looking inflation; Focus expectations not yet used"
            if not use_focus
            else "Focus expectations drive the rule; realised inflation may differ",
            f"inflation outside the ±{target.tolerance_pp} pp tolerance band"
            if abs(infl - target.target_pct) > target.tolerance_pp
            else "inflation within the tolerance band",
        ]
        diagnostics: dict[str, Any] = {
            "selic_pct": selic_now,
            "selic_observation_date": selic_date.isoformat(),
            "ipca_12m_pct": round(infl, 4),
            "ipca_last_month": last_ipca_month.isoformat(),
            "inflation_target_pct": target.target_pct,
            "taylor_rate_pct": round(rule, 4),
            "policy_gap_pp": round(gap, 4),
            "output_gap_pct": None if gap_pct is None else round(gap_pct, 4),
            "ibc_br_last_month": gap_month,
            "focus_ipca_12m_pct": None if focus_infl is None else focus_infl[0],
            "taylor_rate_focus_pct": None if rule_focus is None else round(rule_focus, 4),
            "br_rule_inflation": "focus" if use_focus else "realised",
            "us": self._us_diagnostics(fed),
            "policy_path": path.diagnostics_,
            "missing_inputs": missing,
            "params": self._params(),
        }
        return AgentReport(
            agent_id=self.agent_id,
            as_of_date=as_of,
            headline=headline,
            signals=signals,
            key_drivers=key_drivers,
            risks=risks,
            diagnostics=diagnostics,
        )

    def _check(self) -> None:
        if self.neutral_band < 0:
            raise ValueError(f"neutral_band must be non-negative, got {self.neutral_band}")
        if self.hp_lambda <= 0:
            raise ValueError(f"hp_lambda must be positive, got {self.hp_lambda}")
        if self.okun_coefficient < 0:
            raise ValueError(f"okun_coefficient must be non-negative, got {self.okun_coefficient}")

    def _params(self) -> dict[str, Any]:
        return {
            "neutral_real_rate": self.neutral_real_rate,
            "inflation_weight": self.inflation_weight,
            "gap_weight": self.gap_weight,
            "neutral_band": self.neutral_band,
            "us_neutral_real_rate": self.us_neutral_real_rate,
            "us_inflation_target": self.us_inflation_target,
            "nairu": self.nairu,
            "okun_coefficient": self.okun_coefficient,
            "hp_lambda": self.hp_lambda,
            "use_expectations": self.use_expectations,
        }

    def _br_gap(
        self, ibc_br: pd.Series | None, missing: list[str]
    ) -> tuple[float | None, str | None]:
        if ibc_br is None or len(ibc_br) < 36:
            missing.append("ibc_br")
            return None, None
        month = ibc_br.index[-1].date().isoformat()
        return output_gap(ibc_br, lamb=self.hp_lambda), month

    @staticmethod
    def _focus_inflation(
        focus: pd.Series | None, as_of: date, missing: list[str]
    ) -> tuple[float, str] | None:
        # The survey is weekly: more than a month old means the series has stopped.
        if focus is None or (as_of - focus.index[-1].date()).days > 31:
            missing.append("focus_ipca_12m")
            return None
        return float(focus.iloc[-1]), focus.index[-1].date().isoformat()

    def _fed(
        self,
        fed_funds: pd.Series | None,
        inflation: pd.Series | None,
        unemployment: pd.Series | None,
        as_of: date,
        missing: list[str],
    ) -> _Fed | None:
        ff, pi, u = (_known(s, as_of) for s in (fed_funds, inflation, unemployment))
        for name, s in (("fed_funds", ff), ("us_core_inflation_12m", pi), ("unemployment", u)):
            if s is None:
                missing.append(name)
        if ff is None or pi is None:
            return None
        u_now = None if u is None else float(u.iloc[-1])
        gap = 0.0 if u_now is None else -self.okun_coefficient * (u_now - self.nairu)
        rule = taylor_rate(
            self.us_neutral_real_rate,
            float(pi.iloc[-1]),
            self.us_inflation_target,
            gap,
            self.inflation_weight,
            self.gap_weight,
        )
        return _Fed(
            float(ff.iloc[-1]),
            ff.index[-1].date(),
            float(pi.iloc[-1]),
            pi.index[-1].date(),
            u_now,
            gap,
            rule,
        )

    def _us_signal(self, fed: _Fed | None, as_of: date) -> AgentSignal:
        if fed is None:
            return AgentSignal(US_SIGNAL, 0, 0.0, 0.0, "3m", "fed funds or US inflation missing")
        gap = fed.rate - fed.rule
        direction, _ = _stance(gap, self.neutral_band)
        stale = max((as_of - fed.inflation_month).days - 75, 0)
        confidence = float(np.clip(0.7 - stale / 100, 0.2, 0.7)) - 0.2 * (fed.unemployment is None)
        return AgentSignal(
            signal_id=US_SIGNAL,
            direction=direction,
            strength=round(float(min(abs(gap) / 3.0, 1.0)), 4),
            confidence=round(confidence, 4),
            horizon="3m",
            rationale=f"fed funds − rule = {gap:+.2f} pp",
        )

    @staticmethod
    def _us_diagnostics(fed: _Fed | None) -> dict[str, Any] | None:
        if fed is None:
            return None
        return {
            "fed_funds_pct": fed.rate,
            "fed_funds_date": fed.rate_date.isoformat(),
            "core_inflation_12m_pct": round(fed.inflation, 4),
            "core_inflation_month": fed.inflation_month.isoformat(),
            "unemployment_pct": fed.unemployment,
            "output_gap_pct": round(fed.gap, 4),
            "taylor_rate_pct": round(fed.rule, 4),
            "policy_gap_pp": round(fed.rate - fed.rule, 4),
        }


def _try_load(loader: PointInTimeLoader, column: str, start: date, as_of: date) -> pd.Series | None:
    try:
        return loader.load([column], start, as_of, as_of)[column].dropna()
    except ValueError:  # nothing known at as_of: the agent degrades
        return None


def load_inputs(loader: PointInTimeLoader, as_of: date) -> dict[str, Any]:
    """Everything ``TaylorRuleAgent.run`` reads, point-in-time for ``as_of``.

    Returns
    -------
    dict
        The keyword arguments of ``run`` except ``as_of``: ``selic``, ``ipca_monthly``,
        ``target`` (required: missing ones raise), and ``ibc_br``, ``focus_ipca_12m``,
        ``fed_funds``, ``us_core_inflation_12m`` (core PCE, else core CPI), ``unemployment``,
        ``di1``, ``focus_selic``, ``focus_selic_next``, ``focus_selic_rev_4w`` (None when
        nothing is known). Call ``agent.run(as_of=as_of, **load_inputs(loader, as_of))``.

    Raises
    ------
    ValueError
        If nothing is known for the Selic or IPCA, or no inflation target was decided.
    """
    frame = loader.load([SELIC, IPCA], as_of - timedelta(days=450), as_of, as_of)
    # A NaN in a wide frame means "another series has a row that day", not a missing value.
    recent = as_of - timedelta(days=120)
    ibc_br = _try_load(loader, IBC_BR, as_of - timedelta(days=365 * 12), as_of)
    core = _try_load(loader, US_CORE_PCE_12M, recent, as_of)
    if core is None:
        core = _try_load(loader, US_CORE_CPI_12M, recent, as_of)
    return {
        "selic": frame[SELIC].dropna(),
        "ipca_monthly": frame[IPCA].dropna(),
        "target": target_for(as_of),
        "ibc_br": ibc_br,
        "focus_ipca_12m": _try_load(loader, FOCUS_IPCA_12M, as_of - timedelta(days=60), as_of),
        "fed_funds": _try_load(loader, FED_FUNDS, as_of - timedelta(days=30), as_of),
        "us_core_inflation_12m": core,
        "unemployment": _try_load(loader, UNRATE, recent, as_of),
        **policy_path.load_inputs(loader, as_of),
    }
