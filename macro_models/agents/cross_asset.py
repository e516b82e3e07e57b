"""Cross-asset agent: the risk-on / risk-off regime from a filtered HMM of weekly markets.

Weekly features (Friday bins of daily data, all known at the as-of date): S&P 500 log return
and 21-day realised vol, log VIX, US high-yield OAS, the UST 2s10s slope and the USD/BRL log
return. A :class:`~macro_models.agents.regime_hmm.RegimeHMM` is fitted on the last
``window_weeks`` weeks up to the date and its *filtered* probability of each regime at the last
week is the view. When the fit fails or does not converge, a rule on VIX, HY OAS and the equity
drawdown gives the regime instead (flagged in the diagnostics). The other agents' reports can
be checked against the regime (:func:`consistency_check`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from macro_models.agents.regime_hmm import RegimeFitError, RegimeHMM
from macro_models.agents.report import AgentReport, AgentSignal, Direction

SPX = "yahoo__GSPC"
SPX_FRED = "fred__SP500"  # the same index from FRED: fills weeks Yahoo lacks
VIX = "fred__VIXCLS"
HY_OAS = "fred__BAMLH0A0HYM2"
UST10, UST2 = "fred__DGS10", "fred__DGS2"
USDBRL = "bcb_sgs__1"
INPUTS = (SPX, SPX_FRED, VIX, HY_OAS, UST10, UST2, USDBRL)

# Positive: more of it means more stress. Orders the HMM states (stable names across refits).
STRESS_WEIGHTS = {"realized_vol": 1.0, "log_vix": 1.0, "hy_oas": 1.0, "spx_return": -0.5}
FEATURES = ("realized_vol", "log_vix", "hy_oas", "slope_2s10s", "usdbrl_return", "spx_return")
DIRECTIONS: dict[str, Direction] = {"risk_on": 1, "neutral": 0, "risk_off": -1}


def load_inputs(loader, as_of: date, years: int = 6) -> pd.DataFrame:
    """Daily inputs (columns :data:`INPUTS`) known at ``as_of`` over the last ``years`` years.

    A series with nothing known is an all-NaN column and is listed in ``attrs["missing"]``.
    """
    start = as_of - timedelta(days=366 * years)
    try:
        frame = loader.load(list(INPUTS), start, as_of, as_of)
        missing: list[str] = []
    except ValueError:
        parts, missing = [], []
        for column in INPUTS:
            try:
                parts.append(loader.load([column], start, as_of, as_of))
            except ValueError:
                missing.append(column)
        frame = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=pd.DatetimeIndex([]))
        frame = frame.reindex(columns=list(INPUTS))
    frame.attrs = {"missing": missing}
    return frame


def weekly_features(daily: pd.DataFrame, min_coverage: float = 0.9) -> pd.DataFrame:
    """Weekly (Friday) features from the daily inputs; columns too sparse to use are dropped.

    Returns
    -------
    DataFrame
        Columns among ``spx_return`` (weekly log return, %), ``realized_vol`` (21-day, % p.a.),
        ``log_vix``, ``hy_oas`` (pp), ``slope_2s10s`` (pp), ``usdbrl_return`` (%), and the
        helper ``spx_drawdown`` (% below the 52-week high, ≤ 0), which is not an HMM feature.
        Rows with a NaN in a kept column are dropped (leading weeks, mostly).
    """
    d = daily.reindex(columns=list(INPUTS)).sort_index()
    spx = d[SPX].combine_first(d[SPX_FRED])
    spx_daily_ret = np.log(spx.dropna()).diff()
    daily_cols = pd.DataFrame(
        {
            "spx_level": spx,
            "realized_vol": spx_daily_ret.rolling(21).std() * np.sqrt(252) * 100,
            "vix": d[VIX],
            "hy_oas": d[HY_OAS],
            "slope_2s10s": d[UST10] - d[UST2],
            "usdbrl": d[USDBRL],
        }
    )
    # One resample for all columns: .last() takes each column's last non-NaN value of the week.
    weekly = daily_cols.resample("W-FRI").last()
    weekly.insert(2, "log_vix", np.log(weekly.pop("vix")))
    weekly["usdbrl_return"] = np.log(weekly.pop("usdbrl")).diff() * 100
    weekly["spx_return"] = np.log(weekly["spx_level"]).diff() * 100
    weekly["spx_drawdown"] = (
        weekly["spx_level"] / weekly["spx_level"].rolling(52, min_periods=1).max() - 1
    ) * 100
    weekly = weekly.drop(columns="spx_level")
    weekly = weekly.iloc[1:]  # the first week has no return
    # A week still under way is labelled by its last day with data, not by the Friday to come.
    last_day = d.dropna(how="all").index.max()
    weekly.index = weekly.index.where(weekly.index <= last_day, last_day)
    keep = [c for c in weekly.columns if weekly[c].notna().mean() >= min_coverage]
    return weekly[keep].dropna()


def rule_based_regime(vix: float, hy_oas: float, drawdown_pct: float) -> tuple[str, str]:
    """Regime from thresholds when the HMM is not usable: (regime, reason). NaN inputs are ignored.

    risk_off: VIX > 25, HY OAS > 6 pp or the S&P 500 > 15 % below its 52-week high;
    risk_on: VIX < 18, HY OAS < 4.5 pp and the drawdown under 5 %; otherwise neutral.
    """
    stress = [
        f"VIX {vix:.1f} > 25" if vix > 25 else "",
        f"HY OAS {hy_oas:.2f} > 6" if hy_oas > 6 else "",
        f"drawdown {drawdown_pct:.1f}% < -15%" if drawdown_pct < -15 else "",
    ]
    stress = [s for s in stress if s]
    if stress:
        return "risk_off", "; ".join(stress)
    calm = [
        not np.isnan(vix) and vix < 18,
        np.isnan(hy_oas) or hy_oas < 4.5,
        np.isnan(drawdown_pct) or drawdown_pct > -5,
    ]
    if all(calm):
        return "risk_on", f"VIX {vix:.1f} < 18, HY OAS and drawdown calm"
    return "neutral", "no threshold crossed"


# Agents whose +1 means hawkish / inflationary pressure, and whose +1 means stronger growth.
HAWKISH_AGENTS = ("monetary_policy", "inflation")
GROWTH_AGENTS = ("growth", "activity")
FISCAL_AGENTS = ("fiscal",)  # +1: Brazil's fiscal risk premium rising


def consistency_check(regime: str, reports: Sequence[AgentReport]) -> list[dict[str, str]]:
    """Contradictions between the market regime and the other agents' views.

    Flags: ``stagflation_risk`` (risk-off markets while an inflation/policy agent is hawkish),
    ``growth_vs_risk_on`` (risk-on markets while a growth agent sees weakness) and
    ``growth_vs_risk_off`` (risk-off markets while a growth agent sees strength) and
    ``fiscal_vs_risk_on`` (global risk-on while Brazil's fiscal risk premium rises: a local,
    not a global, risk).
    """
    flags = []
    for report in reports:
        agent = report.agent_id
        for s in report.signals:
            flag = ""
            if agent.startswith(HAWKISH_AGENTS) and s.direction == 1 and regime == "risk_off":
                flag = "stagflation_risk"
            elif agent.startswith(GROWTH_AGENTS) and s.direction == -1 and regime == "risk_on":
                flag = "growth_vs_risk_on"
            elif agent.startswith(GROWTH_AGENTS) and s.direction == 1 and regime == "risk_off":
                flag = "growth_vs_risk_off"
            elif agent.startswith(FISCAL_AGENTS) and s.direction == 1 and regime == "risk_on":
                flag = "fiscal_vs_risk_on"
            if flag:
                flags.append({"flag": flag, "agent_id": agent, "signal_id": s.signal_id})
    return flags


class CrossAssetAgent:
    """Parameters
    ----------
    n_states : {2, 3}
        HMM regimes: risk_on / risk_off, or with a neutral state between.
    window_weeks : int
        The HMM is fitted on at most this many weeks up to the date (a rolling window).
    n_iter, tol, random_state :
        Baum-Welch limits and seed, passed to :class:`RegimeHMM`.
    min_weeks : int
        Fewer usable weeks than this and the rule-based regime is used.
    """

    agent_id = "cross_asset"

    def __init__(
        self,
        n_states: int = 2,
        window_weeks: int = 300,
        n_iter: int = 100,
        tol: float = 1e-3,
        min_weeks: int = 104,
        random_state: int = 0,
    ) -> None:
        self.n_states = n_states
        self.window_weeks = window_weeks
        self.n_iter = n_iter
        self.tol = tol
        self.min_weeks = min_weeks
        self.random_state = random_state

    def _fit(self, features: pd.DataFrame) -> tuple[pd.Series | None, RegimeHMM | None, str]:
        """Filtered probabilities at the last week, the model, and why the HMM was not used."""
        model = RegimeHMM(
            n_states=self.n_states,
            stress_weights=STRESS_WEIGHTS,
            n_iter=self.n_iter,
            tol=self.tol,
            min_obs=self.min_weeks,
            random_state=self.random_state,
        )
        try:
            model.fit(features)
        except RegimeFitError as exc:
            return None, None, str(exc)
        if not model.converged_:
            return None, model, f"HMM did not converge in {self.n_iter} iterations"
        return model.filter(features).iloc[-1], model, ""

    def _missing(self, daily: pd.DataFrame) -> list[str]:
        missing = sorted(c for c in INPUTS if c not in daily or daily[c].isna().all())
        if SPX_FRED in missing:
            missing.remove(SPX_FRED)  # one S&P 500 source is enough: Yahoo's, else FRED's
        if SPX in missing and SPX_FRED in daily and daily[SPX_FRED].notna().any():
            missing.remove(SPX)
        return missing

    def run(
        self,
        daily: pd.DataFrame,
        as_of: date,
        other_reports: Sequence[AgentReport] = (),
    ) -> AgentReport:
        """``daily``: :func:`load_inputs`'s frame (point-in-time for ``as_of``); rows after
        ``as_of`` are ignored. ``other_reports``: the other agents' views, for the check."""
        daily = daily.loc[daily.index <= pd.Timestamp(as_of)]
        missing = self._missing(daily)
        weekly = weekly_features(daily)
        features = weekly.drop(columns="spx_drawdown", errors="ignore").iloc[-self.window_weeks :]
        last = weekly.iloc[-1] if not weekly.empty else pd.Series(dtype=float)
        if features.empty:
            probs, model, fallback = None, None, "no complete week of features"
        else:
            probs, model, fallback = self._fit(features)
        # Fewer features than designed: the same probability is worth less.
        coverage = features.shape[1] / len(FEATURES)
        if probs is not None:
            regime = str(probs.idxmax())
            confidence = float(probs.max()) * coverage
            strength = float(abs(probs.get("risk_on", 0.0) - probs.get("risk_off", 0.0)))
            why = f"filtered P({regime}) = {probs.max():.2f} at week {features.index[-1].date()}"
        else:
            vix = float(np.exp(last.get("log_vix", np.nan)))
            hy, dd = float(last.get("hy_oas", np.nan)), float(last.get("spx_drawdown", np.nan))
            regime, rule = rule_based_regime(vix, hy, dd)
            confidence, strength = 0.4 * coverage, 0.0 if regime == "neutral" else 0.5
            why = f"rule-based fallback ({fallback}): {rule}"
        flags = consistency_check(regime, other_reports)
        risks = [f"{f['flag']}: {f['agent_id']}/{f['signal_id']}" for f in flags]
        if missing:
            risks.append(f"missing inputs: {', '.join(missing)}")
        signal = AgentSignal(
            signal_id="risk_regime",
            direction=DIRECTIONS[regime],
            strength=round(strength, 4),
            confidence=round(float(np.clip(confidence, 0.0, 1.0)), 4),
            horizon="1m",
            rationale=why,
        )
        diagnostics = {
            "method": "hmm" if probs is not None else "rule",
            "fallback_reason": fallback,
            "regime": regime,
            "probabilities": {}
            if probs is None
            else {k: round(float(v), 4) for k, v in probs.items()},
            "converged": model is not None and model.converged_,
            "n_iter": 0 if model is None else model.n_iter_,
            "regime_means": {} if model is None else model.means_.round(4).to_dict("index"),
            "n_weeks": len(features),
            "last_week": features.index[-1].date().isoformat() if len(features) else None,
            "features": list(features.columns),
            # Too sparse over the window (e.g. PTAX before 2010 in a window starting 2006).
            "dropped_features": [c for c in FEATURES if c not in features.columns],
            "missing_inputs": missing,
            "consistency_flags": flags,
            "params": {
                "n_states": self.n_states,
                "window_weeks": self.window_weeks,
                "n_iter": self.n_iter,
                "tol": self.tol,
                "min_weeks": self.min_weeks,
                "random_state": self.random_state,
            },
        }
        return AgentReport(
            agent_id=self.agent_id,
            as_of_date=as_of,
            headline=f"Cross-asset regime {regime.replace('_', '-')}: {why}",
            signals=[signal],
            key_drivers=_drivers(last),
            risks=risks,
            diagnostics=diagnostics,
        )


def _drivers(last: pd.Series) -> list[str]:
    """The latest week's market levels, in words."""
    words = {
        "log_vix": lambda v: f"VIX {np.exp(v):.1f}",
        "hy_oas": lambda v: f"US HY OAS {v:.2f} pp",
        "realized_vol": lambda v: f"S&P 500 21-day realised vol {v:.1f}% p.a.",
        "spx_drawdown": lambda v: f"S&P 500 {-v:.1f}% below its 52-week high",
        "slope_2s10s": lambda v: f"UST 2s10s {v * 100:+.0f} bp",
    }
    return [f(last[c]) for c, f in words.items() if c in last and pd.notna(last[c])]
