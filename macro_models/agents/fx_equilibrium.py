"""FX-equilibrium agent: BRL against a BEER model, PPP and its carry-to-risk.

The real exchange rate, in logs, is ``q = ln(USD/BRL PTAX) + ln(US CPI) − ln(Brazil price
level)`` (the Brazilian level cumulates the monthly IPCA): a higher q is a weaker real. Monthly,
from data known at the date only:

* BEER (Clark & MacDonald 1998): OLS of q on a constant, the log terms of trade (proxy: the IMF
  commodity index, or Brent when it is missing), the ex-post real 1-year rate differential
  ((Selic − IPCA 12m) − (UST 1y − US CPI 12m), pp) and risk (VIX), fitted on an expanding window
  that ends at the date. Misalignment = q − fitted, in % (log points × 100), and its z-score
  against the residual standard error.
* PPP: q against its trailing long-run mean, in % and as a z-score.
* Carry-to-risk: (Selic − fed funds) / the annualised realised volatility of daily PTAX log
  returns.

Directions: +1 = long BRL (BRL undervalued, or carry pays for the risk), −1 = short BRL.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import statsmodels.api as sm

from macro_models.agents.fiscal import load_available
from macro_models.agents.report import AgentReport, AgentSignal, Direction

PTAX = "bcb_sgs__1"
IPCA = "bcb_sgs__433"
US_CPI = "fred__CPIAUCSL"
SELIC = "bcb_sgs__432"
DFF = "fred__DFF"
UST_1Y = "fred__DGS1"
VIX = "fred__VIXCLS"
COMMODITIES = ("fred__PALLFNFINDEXM", "fred__POILBREUSDM")  # first one present is used
COLUMNS = (PTAX, IPCA, US_CPI, SELIC, DFF, UST_1Y, VIX, *COMMODITIES)
REGRESSORS = ("terms_of_trade", "real_rate_diff", "risk")


def load_inputs(loader, as_of: date, lookback_years: int = 20) -> pd.DataFrame:
    """The agent's columns (``COLUMNS``) known at ``as_of``, daily and monthly rows mixed.

    Columns with nothing known are all-NaN and listed in ``frame.attrs["missing"]``.
    """
    start = (pd.Timestamp(as_of) - pd.DateOffset(years=lookback_years)).date()
    return load_available(loader, COLUMNS, start, as_of, as_of)


def _monthly(series: pd.Series) -> pd.Series:
    """Last value of each calendar month, indexed by monthly Period."""
    s = series.dropna()
    if s.empty:
        return pd.Series(dtype=float, index=pd.PeriodIndex([], freq="M"))
    return s.groupby(pd.DatetimeIndex(s.index).to_period("M")).last()


def _col(data: pd.DataFrame, column: str) -> pd.Series:
    return data[column] if column in data else pd.Series(dtype=float)


def monthly_panel(data: pd.DataFrame, fill_months: int = 3) -> pd.DataFrame:
    """Monthly frame (PeriodIndex) with q and the BEER regressors; NaN where unknown.

    Price levels and monthly-released regressors are carried forward at most ``fill_months``
    months, since they come out weeks after the month they cover.
    """
    ipca = _monthly(_col(data, IPCA))
    p_br = np.log1p(ipca / 100).cumsum()
    p_us = np.log(_monthly(_col(data, US_CPI)))
    fx = np.log(_monthly(_col(data, PTAX)))
    months = fx.index.union(p_br.index).union(p_us.index)
    if months.empty:
        return pd.DataFrame(columns=["q", *REGRESSORS], dtype=float)
    months = pd.period_range(months.min(), months.max(), freq="M")

    def ff(s: pd.Series) -> pd.Series:
        return s.reindex(months).ffill(limit=fill_months)

    infl_br = ff((np.exp(p_br - p_br.shift(12, freq="M")) - 1).reindex(p_br.index) * 100)
    infl_us = ff((np.exp(p_us - p_us.shift(12, freq="M")) - 1).reindex(p_us.index) * 100)
    us_rate = _monthly(_col(data, UST_1Y))
    if us_rate.empty:
        us_rate = _monthly(_col(data, DFF))
    commodity = next(
        (_monthly(_col(data, c)) for c in COMMODITIES if _col(data, c).notna().any()),
        pd.Series(dtype=float, index=pd.PeriodIndex([], freq="M")),
    )
    return pd.DataFrame(
        {
            "q": fx.reindex(months) + ff(p_us) - ff(p_br),
            "terms_of_trade": ff(np.log(commodity)),
            "real_rate_diff": (ff(_monthly(_col(data, SELIC))) - infl_br) - (ff(us_rate) - infl_us),
            "risk": ff(_monthly(_col(data, VIX))),
        },
        index=months,
    )


def realised_vol(prices: pd.Series, window: int) -> float:
    """Annualised volatility (%) of the last ``window`` daily log returns (√252 scaling)."""
    r = np.log(prices.dropna().sort_index()).diff().dropna()
    if len(r) < window:
        return float("nan")
    return float(r.iloc[-window:].std(ddof=1) * np.sqrt(252) * 100)


def _direction(score: float, band: float) -> Direction:
    return 0 if abs(score) < band or not np.isfinite(score) else (1 if score > 0 else -1)


class FxEquilibriumAgent:
    """Parameters
    ----------
    min_months : int
        Fewest complete monthly rows the BEER fit (and the PPP mean) needs.
    ppp_window_months : int
        Trailing window of the PPP mean, months.
    z_band : float
        |z| below which the BEER and PPP views are neutral.
    vol_window_days : int
        Daily PTAX returns in the realised volatility.
    carry_low, carry_high : float
        Carry-to-risk below ``carry_low`` → short BRL, above ``carry_high`` → long BRL.
    """

    agent_id = "fx_equilibrium"

    def __init__(
        self,
        min_months: int = 36,
        ppp_window_months: int = 120,
        z_band: float = 1.0,
        vol_window_days: int = 63,
        carry_low: float = 0.2,
        carry_high: float = 0.5,
    ) -> None:
        self.min_months = min_months
        self.ppp_window_months = ppp_window_months
        self.z_band = z_band
        self.vol_window_days = vol_window_days
        self.carry_low = carry_low
        self.carry_high = carry_high

    def _check(self) -> None:
        if self.min_months < 12 or self.ppp_window_months < self.min_months:
            raise ValueError("min_months must be >= 12 and ppp_window_months >= min_months")
        if not 0 <= self.carry_low < self.carry_high:
            raise ValueError(
                f"need 0 <= carry_low < carry_high, got {self.carry_low}, {self.carry_high}"
            )
        if self.z_band < 0 or self.vol_window_days < 2:
            raise ValueError("z_band must be >= 0 and vol_window_days >= 2")

    def fit_beer(self, panel: pd.DataFrame):
        """OLS of q on the regressors present in ``panel`` (rows with any NaN dropped).

        Returns the statsmodels results, or None with fewer than ``min_months`` rows.
        """
        regressors = [c for c in REGRESSORS if c in panel and panel[c].notna().any()]
        rows = panel[["q", *regressors]].dropna()
        if len(rows) < max(self.min_months, len(regressors) + 2):
            return None
        return sm.OLS(rows["q"], sm.add_constant(rows[regressors], has_constant="add")).fit()

    def run(self, data: pd.DataFrame, as_of: date) -> AgentReport:
        """``data``: the columns of ``COLUMNS`` point-in-time for ``as_of`` (absent or all-NaN
        ones count as missing); rows dated after ``as_of`` are ignored."""
        self._check()
        data = data.loc[data.index <= pd.Timestamp(as_of)]
        missing = [c for c in COLUMNS if c not in data or data[c].isna().all()]
        panel = monthly_panel(data)
        beer, beer_diag = self._beer(panel)
        ppp, ppp_diag = self._ppp(panel)
        carry, carry_diag = self._carry(data)
        diagnostics = {
            "missing_inputs": missing,
            "beer": beer_diag,
            "ppp": ppp_diag,
            "carry_to_risk": carry_diag,
            "params": {
                "min_months": self.min_months,
                "ppp_window_months": self.ppp_window_months,
                "z_band": self.z_band,
                "vol_window_days": self.vol_window_days,
                "carry_low": self.carry_low,
                "carry_high": self.carry_high,
            },
        }
        words = {1: "long BRL", -1: "short BRL", 0: "neutral"}
        headline = "; ".join(f"{s.signal_id} {words[s.direction]}" for s in (beer, ppp, carry))
        drivers = [s.rationale.split(";")[0] for s in (beer, ppp, carry) if s.confidence > 0] or [
            "no FX view: inputs missing"
        ]
        return AgentReport(
            agent_id=self.agent_id,
            as_of_date=as_of,
            headline=headline,
            signals=[beer, ppp, carry],
            key_drivers=drivers,
            risks=[f"missing input: {m}" for m in missing]
            + [
                "ex-post (not expected) real rates in the BEER",
                "commodity index is a terms-of-trade proxy, not Brazil's export/import prices",
                "BEER residuals are persistent: the z-score overstates precision",
            ],
            diagnostics=diagnostics,
        )

    def _beer(self, panel: pd.DataFrame) -> tuple[AgentSignal, dict]:
        sid, note = "brl_beer_misalignment", "+1 = BRL undervalued vs BEER → long BRL"
        fit = self.fit_beer(panel)
        if fit is None:
            n = int(panel.dropna().shape[0]) if len(panel) else 0
            reason = f"BEER needs {self.min_months} complete months, have {n}"
            return AgentSignal(sid, 0, 0.0, 0.0, "12m", f"{reason}; {note}"), {"note": reason}
        last = fit.resid.index[-1]
        mis = float(fit.resid.iloc[-1] * 100)
        se = float(np.sqrt(fit.mse_resid))
        z = float(fit.resid.iloc[-1]) / se if se > 1e-9 else 0.0  # a perfect fit: no misalignment
        used = [c for c in fit.params.index if c != "const"]
        direction = _direction(z, self.z_band)
        confidence = 0.6 * min(fit.nobs / 120, 1.0) * (0.5 + 0.5 * float(fit.rsquared))
        confidence *= 1 - 0.25 * (len(REGRESSORS) - len(used))
        rationale = f"BEER misalignment {mis:+.1f}% (z {z:+.2f}) in {last}; {note}"
        diag = {
            "month": str(last),
            "misalignment_pct": round(mis, 4),
            "zscore": round(z, 4),
            "r_squared": round(float(fit.rsquared), 4),
            "n_months": int(fit.nobs),
            "first_month": str(fit.resid.index[0]),
            "coefficients": {k: round(float(v), 6) for k, v in fit.params.items()},
            "regressors_dropped": [c for c in REGRESSORS if c not in used],
        }
        strength = min(abs(z) / 2.5, 1.0)
        return AgentSignal(
            sid, direction, round(strength, 4), round(confidence, 4), "12m", rationale
        ), diag

    def _ppp(self, panel: pd.DataFrame) -> tuple[AgentSignal, dict]:
        sid, note = "brl_ppp", "+1 = real USD/BRL above its long-run mean (BRL cheap) → long BRL"
        q = panel["q"].dropna() if "q" in panel else pd.Series(dtype=float)
        window = q.iloc[-self.ppp_window_months :]
        if len(window) < self.min_months:
            reason = f"PPP needs {self.min_months} months of q, have {len(window)}"
            return AgentSignal(sid, 0, 0.0, 0.0, "24m", f"{reason}; {note}"), {"note": reason}
        dev = float(window.iloc[-1] - window.mean())
        sd = float(window.std(ddof=1))
        z = dev / sd if sd > 1e-9 else 0.0  # float noise on a flat q is no deviation
        rationale = f"real USD/BRL {dev * 100:+.1f}% vs its {len(window)}-month mean; {note}"
        diag = {
            "month": str(window.index[-1]),
            "deviation_pct": round(dev * 100, 4),
            "zscore": round(z, 4),
            "n_months": len(window),
        }
        confidence = 0.4 * min(len(window) / self.ppp_window_months, 1.0)
        return AgentSignal(
            sid,
            _direction(z, self.z_band),
            round(min(abs(z) / 2.5, 1.0), 4),
            round(confidence, 4),
            "24m",
            rationale,
        ), diag

    def _carry(self, data: pd.DataFrame) -> tuple[AgentSignal, dict]:
        sid = "brl_carry_to_risk"
        note = f"+1 = carry/vol above {self.carry_high} → long BRL, −1 below {self.carry_low}"
        selic, dff = _col(data, SELIC).dropna(), _col(data, DFF).dropna()
        vol = realised_vol(_col(data, PTAX), self.vol_window_days)
        if selic.empty or dff.empty or not np.isfinite(vol) or vol <= 0:
            reason = "carry-to-risk needs Selic, fed funds and enough PTAX days"
            return AgentSignal(sid, 0, 0.0, 0.0, "3m", f"{reason}; {note}"), {"note": reason}
        carry = float(selic.sort_index().iloc[-1] - dff.sort_index().iloc[-1])
        ratio = carry / vol
        mid, half = (self.carry_low + self.carry_high) / 2, (self.carry_high - self.carry_low) / 2
        direction: Direction = (
            1 if ratio > self.carry_high else (-1 if ratio < self.carry_low else 0)
        )
        strength = min(abs(ratio - mid) / (2 * half), 1.0)
        rationale = f"carry {carry:+.2f} pp / vol {vol:.1f}% = {ratio:.2f}; {note}"
        diag = {
            "carry_pp": round(carry, 4),
            "realised_vol_pct": round(vol, 4),
            "ratio": round(ratio, 4),
            "selic_date": selic.sort_index().index[-1].date().isoformat(),
            "fed_funds_date": dff.sort_index().index[-1].date().isoformat(),
        }
        return AgentSignal(sid, direction, round(strength, 4), 0.5, "3m", rationale), diag
