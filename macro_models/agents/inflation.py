"""Inflation agent: Brazil's IPCA and cores against the target band, Focus and a Phillips curve;
US inflation against the Fed's 2 %.

Signals (+1 = inflation pressure, hawkish; −1 = disinflation, dovish):

- ``br_inflation_vs_target`` (12m): 12-month IPCA minus the CMN target of the year.
- ``br_inflation_momentum`` (3m): seasonally adjusted 3m SAAR minus the 12-month rate.
- ``br_inflation_vs_focus`` (3m): near-term inflation (the Phillips forecast, else the 3m SAAR)
  minus the Focus median for the next 12 months.
- ``br_inflation_forecast_vs_target`` (1m): the Phillips curve's one-step forecast (SAAR) minus
  the target (see macro_models.agents.phillips_curve).
- ``us_inflation`` (12m): US core PCE 12m (else CPI 12m) minus 2 %.

Gold macro features are used where they exist for the latest IPCA month; otherwise the same
quantities are computed here from SGS 433. Missing or stale inputs lower confidence, and a
signal with nothing to go on is neutral with zero confidence; none of it raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from macro_models.agents.monetary_policy import IPCA, ipca_12m
from macro_models.agents.phillips_curve import (
    REGRESSORS,
    fit_and_forecast,
    seasonally_adjust,
    to_monthly,
)
from macro_models.agents.report import AgentReport, AgentSignal, Direction
from macro_models.catalog.inflation_targets import InflationTarget, target_for
from macro_models.pit.asof import FUND_TZ

CORES = ("ipca_core_ms", "ipca_core_ma", "ipca_core_dp")
FOCUS = "bcb_focus__ipca_12m_median"
IBC_BR = "bcb_sgs__24363"
USDBRL = ("bcb_sgs__1", "bcb_ptax__USD")  # PTAX from SGS, else the PTAX bulletin
TARGET_BAND = ("macro:inflation_target", "macro:inflation_target_upper")
FEATURES = tuple(
    f"macro:{name}"
    for name in (
        "ipca_12m",
        "ipca_3m_saar",
        *(f"{c}_{m}" for c in CORES for m in ("12m", "3m_saar")),
        "us_core_pce_12m",
        "us_cpi_12m",
        "us_core_cpi_3m_saar",
    )
)
WORDS = {1: "hawkish", -1: "dovish", 0: "neutral"}


def freshness(age_days: float, grace_days: float, fade_days: float) -> float:
    """1 up to ``grace_days`` of age, then linearly down to 0 over ``fade_days``."""
    return float(np.clip(1 - max(age_days - grace_days, 0) / fade_days, 0.0, 1.0))


def _upto(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Rows dated up to ``as_of`` (an empty frame as it is)."""
    if frame.empty:
        return frame
    return frame[pd.DatetimeIndex(frame.index) <= pd.Timestamp(as_of)]


def _signal(signal_id, now, now_label, ref, ref_label, band, scale, confidence, horizon):
    """A view on ``now − ref`` (pp): neutral inside ±band, strength |gap| / scale capped at 1.

    Without either value (None) or any confidence the view is neutral with zero confidence.
    """
    absent = [label for x, label in ((now, now_label), (ref, ref_label)) if x is None]
    if absent or not confidence > 0:
        why = f"no {' or '.join(absent)}" if absent else "inputs too stale to use"
        return AgentSignal(signal_id, 0, 0.0, 0.0, horizon, why)
    gap = now - ref
    direction: Direction = 0 if abs(gap) < band else (1 if gap > 0 else -1)
    why = f"{now_label} {now:.2f}% − {ref_label} {ref:.2f}% = {gap:+.2f} pp"
    strength, confidence = round(min(abs(gap) / scale, 1.0), 4), round(min(confidence, 1.0), 4)
    return AgentSignal(signal_id, direction, strength, confidence, horizon, why)


@dataclass(frozen=True)
class InflationInputs:
    """What the agent reads, each as loaded (point in time for the date), NaN holes allowed.

    Attributes
    ----------
    ipca_mom : Series, DatetimeIndex (1st of month)
        IPCA monthly change, % m/m (SGS 433). Required.
    features : DataFrame, DatetimeIndex
        ``macro:*`` columns of FEATURES that exist (any subset, possibly none).
    target : InflationTarget or None
        The CMN target of the date's year.
    focus_12m, activity, usdbrl : Series or None
        Focus IPCA next-12-months median (%, by survey date), IBC-Br SA (index, monthly),
        USD/BRL PTAX (BRL per USD, daily).
    missing : tuple of str
        Inputs the loader found nothing for (reported in the diagnostics).
    """

    ipca_mom: pd.Series
    features: pd.DataFrame = field(default_factory=pd.DataFrame)
    target: InflationTarget | None = None
    focus_12m: pd.Series | None = None
    activity: pd.Series | None = None
    usdbrl: pd.Series | None = None
    missing: tuple[str, ...] = ()


@dataclass
class _State:
    """What run() works out, in one place for the signals, headline and diagnostics."""

    as_of: date
    absent: tuple[str, ...] = ()  # inputs the loader found nothing for
    missing: list[str] = field(default_factory=list)  # what the model had to do without
    values: dict = field(default_factory=dict)


class InflationAgent:
    """Parameters
    ----------
    neutral_band_pp : float
        |gap| in pp below which the Brazilian views are neutral.
    us_neutral_band_pp : float
        The same for the US view (core PCE vs 2 %).
    us_target_pct : float
        The Fed's inflation goal (PCE, % 12m).
    window_months : int
        Rolling sample of the Phillips curve (months).
    min_obs : int
        Fewest complete months to fit the Phillips curve at all.
    hac_maxlags : int
        Newey-West lags of the Phillips curve's standard errors.
    hp_lambda : float
        Smoothing of the one-sided HP filter behind the output gap.
    """

    agent_id = "inflation"

    def __init__(
        self,
        neutral_band_pp: float = 0.5,
        us_neutral_band_pp: float = 0.3,
        us_target_pct: float = 2.0,
        window_months: int = 120,
        min_obs: int = 36,
        hac_maxlags: int = 6,
        hp_lambda: float = 14400.0,
    ) -> None:
        self.neutral_band_pp = neutral_band_pp
        self.us_neutral_band_pp = us_neutral_band_pp
        self.us_target_pct = us_target_pct
        self.window_months = window_months
        self.min_obs = min_obs
        self.hac_maxlags = hac_maxlags
        self.hp_lambda = hp_lambda

    # --- pieces -----------------------------------------------------------------------------

    def _check(self) -> None:
        if self.neutral_band_pp < 0 or self.us_neutral_band_pp < 0:
            raise ValueError("neutral bands must be >= 0")
        if self.min_obs < len(REGRESSORS) + 2:
            raise ValueError(f"min_obs must be at least {len(REGRESSORS) + 2}, got {self.min_obs}")
        if self.window_months < self.min_obs:
            raise ValueError(
                f"window_months ({self.window_months}) must be >= min_obs ({self.min_obs})"
            )

    @staticmethod
    def _feature(features: pd.DataFrame, name: str, month: pd.Period) -> float | None:
        """A macro feature's value for ``month`` if the frame has it."""
        col = f"macro:{name}"
        if col not in features:
            return None
        s = to_monthly(features[col])
        return float(s[month]) if month in s.index else None

    def _brazil(self, inputs: InflationInputs, st: _State) -> pd.DataFrame | None:
        """12m, SA momentum and cores for the latest IPCA month; returns the SA frame."""
        v = st.values
        mom = to_monthly(inputs.ipca_mom)
        mom = mom[mom.index.to_timestamp() <= pd.Timestamp(st.as_of)]
        if mom.empty:
            st.missing.append("bcb_sgs__433 (no IPCA known)")
            return None
        last = mom.index[-1]
        v["last_month"] = last
        v["ipca_age_days"] = (st.as_of - last.to_timestamp().date()).days
        feats = _upto(inputs.features, st.as_of)
        v["ipca_12m"] = self._feature(feats, "ipca_12m", last)
        v["ipca_12m_source"] = "macro:ipca_12m"
        if v["ipca_12m"] is None:
            try:
                v["ipca_12m"] = ipca_12m(mom.to_timestamp())
                v["ipca_12m_source"] = "computed from bcb_sgs__433"
            except ValueError as exc:
                st.missing.append(f"ipca_12m ({exc})")
        sa = seasonally_adjust(mom)
        v["saar_3m"] = self._feature(feats, "ipca_3m_saar", last)
        v["saar_3m_source"] = "macro:ipca_3m_saar"
        if v["saar_3m"] is None:
            tail = sa["sa"].iloc[-3:]
            if len(tail) == 3 and tail.notna().all():
                v["saar_3m"] = float((np.prod(1 + tail / 100) ** 4 - 1) * 100)
                v["saar_3m_source"] = "computed from bcb_sgs__433 (one-sided SA)"
            else:
                st.missing.append("ipca_3m_saar (under 3 years of IPCA for seasonal factors)")
        cores_12m = {c: self._feature(feats, f"{c}_12m", last) for c in CORES}
        cores_3m = {c: self._feature(feats, f"{c}_3m_saar", last) for c in CORES}
        v["cores_12m"] = {k: x for k, x in cores_12m.items() if x is not None}
        v["cores_3m_saar"] = {k: x for k, x in cores_3m.items() if x is not None}
        if not v["cores_12m"]:
            st.missing.append("IPCA cores (macro:ipca_core_*)")
        return sa

    def _phillips(self, inputs: InflationInputs, sa: pd.DataFrame, st: _State) -> None:
        """Fit the curve on the rolling window and forecast the month after the last IPCA."""
        cut = pd.Timestamp(st.as_of)

        def monthly(s, how):
            return to_monthly(None if s is None else s[s.index <= cut], how)

        result = fit_and_forecast(
            sa["sa"],
            monthly(inputs.focus_12m, "last"),
            monthly(inputs.activity, "last"),
            monthly(inputs.usdbrl, "mean"),
            window_months=self.window_months,
            min_obs=self.min_obs,
            hac_maxlags=self.hac_maxlags,
            lamb=self.hp_lambda,
        )
        if isinstance(result, str):
            st.missing.append(f"Phillips curve ({result})")
            return
        st.values["phillips"] = result
        if result["regressors_dropped"]:
            st.missing.append(
                f"Phillips regressors dropped: {', '.join(result['regressors_dropped'])}"
            )

    def _focus(self, inputs: InflationInputs, st: _State) -> None:
        s = inputs.focus_12m
        s = None if s is None else s[s.index <= pd.Timestamp(st.as_of)].dropna()
        if s is None or s.empty:
            st.missing.append("bcb_focus__ipca_12m_median")
            return
        st.values["focus_12m"] = float(s.iloc[-1])
        st.values["focus_date"] = s.index[-1].date()

    def _us(self, inputs: InflationInputs, st: _State) -> None:
        feats = _upto(inputs.features, st.as_of)
        for name in ("us_core_pce_12m", "us_cpi_12m"):
            col = f"macro:{name}"
            if col in feats and feats[col].notna().any():
                s = to_monthly(feats[col])
                st.values["us_measure"], st.values["us_12m"] = name, float(s.iloc[-1])
                st.values["us_month"] = s.index[-1]
                break
        else:
            st.missing.append("US inflation (macro:us_core_pce_12m, macro:us_cpi_12m)")
            return
        col = "macro:us_core_cpi_3m_saar"
        if col in feats and feats[col].notna().any():
            st.values["us_core_cpi_3m_saar"] = float(to_monthly(feats[col]).iloc[-1])

    # --- signals ----------------------------------------------------------------------------

    def _signals(self, target: InflationTarget | None, st: _State) -> list[AgentSignal]:
        v, band = st.values, self.neutral_band_pp
        fresh = max(freshness(v.get("ipca_age_days", 1e9), 45, 100), 0.25)
        t = None if target is None else target.target_pct
        tol = 1.5 if target is None else target.tolerance_pp
        infl, saar, core = v.get("ipca_12m"), v.get("saar_3m"), v.get("core_12m")
        # Cores on the same side of the target as the headline firm the view up.
        agree = None not in (core, infl, t) and (core > t) == (infl > t)  # type: ignore[operator]
        conf_target = 0.8 * fresh * (1.0 if agree else 0.85 if core is None else 0.6)
        p = v.get("phillips") or {}
        near, near_label = (p["forecast_saar_pct"], "Phillips forecast") if p else (saar, "3m SAAR")
        focus_age = (st.as_of - v["focus_date"]).days if "focus_date" in v else 1e9
        conf_focus = 0.6 * fresh * freshness(focus_age, 15, 45)
        conf_curve = (0.3 + 0.4 * float(np.clip(p.get("rsquared", 0), 0, 1))) * fresh
        conf_curve *= 0.75 if p.get("regressors_dropped") else 1.0
        us_conf, goal = 0.0, self.us_target_pct
        if "us_12m" in v:
            age = (st.as_of - v["us_month"].to_timestamp().date()).days
            us_conf = 0.7 if v["us_measure"] == "us_core_pce_12m" else 0.5
            us_conf *= freshness(age, 95, 90)  # PCE comes out about two months after its 1st
            pace = v.get("us_core_cpi_3m_saar")
            if pace is not None and (pace > goal) == (v["us_12m"] > goal):
                us_conf += 0.1  # the 3-month pace agrees with the 12-month rate
        us = {"us_core_pce_12m": "US core PCE 12m", "us_cpi_12m": "US CPI 12m"}.get(
            v.get("us_measure", ""), "US inflation"
        )
        return [
            _signal("br_inflation_vs_target", infl, "IPCA 12m", t, "target", band, tol,
                    conf_target, "12m"),
            _signal("br_inflation_momentum", saar, "3m SAAR", infl, "IPCA 12m", band, 3.0,
                    0.6 * fresh, "3m"),
            _signal("br_inflation_vs_focus", near, near_label, v.get("focus_12m"), "Focus 12m",
                    band, 3.0, conf_focus, "3m"),
            _signal("br_inflation_forecast_vs_target", p.get("forecast_saar_pct"),
                    "Phillips forecast", t, "target", band, tol, conf_curve, "1m"),
            _signal("us_inflation", v.get("us_12m"), us, self.us_target_pct, "Fed goal",
                    self.us_neutral_band_pp, 2.0, us_conf, "12m"),
        ]  # fmt: skip

    # --- the report -------------------------------------------------------------------------

    def run(self, inputs: InflationInputs, as_of: date) -> AgentReport:
        """The report for ``as_of``; rows of ``inputs`` dated after ``as_of`` are ignored."""
        self._check()
        st = _State(as_of, absent=inputs.missing)
        sa = self._brazil(inputs, st)
        v = st.values
        if v.get("cores_12m"):
            v["core_12m"] = float(np.mean(list(v["cores_12m"].values())))
        if sa is not None:
            self._phillips(inputs, sa, st)
        self._focus(inputs, st)
        self._us(inputs, st)
        target = inputs.target
        if target is None:
            st.missing.append("inflation target")
        signals = self._signals(target, st)
        return AgentReport(
            agent_id=self.agent_id,
            as_of_date=as_of,
            headline=self._headline(target, signals, st),
            signals=signals,
            key_drivers=self._drivers(target, st),
            risks=self._risks(target, st),
            diagnostics=self._diagnostics(target, st),
        )

    @staticmethod
    def _band_word(infl: float | None, target: InflationTarget | None) -> str:
        if infl is None or target is None:
            return "unknown against the band"
        if infl > target.target_pct + target.tolerance_pp:
            return "above the band"
        if infl < target.target_pct - target.tolerance_pp:
            return "below the band"
        return "within the band"

    def _headline(self, target, signals, st: _State) -> str:
        v = st.values
        main = signals[0]
        infl = v.get("ipca_12m")
        if infl is None:
            return "IPCA 12m unknown: no inflation view"
        t = "unknown" if target is None else f"{target.target_pct:.2f}%"
        text = (
            f"IPCA 12m {infl:.2f}% vs target {t}, {self._band_word(infl, target)}: "
            f"{WORDS[main.direction]}"
        )
        if v.get("saar_3m") is not None:
            text += f"; 3m SAAR {v['saar_3m']:.2f}%"
        if v.get("phillips"):
            text += f"; Phillips next month {v['phillips']['forecast_saar_pct']:.2f}% SAAR"
        return text

    def _drivers(self, target, st: _State) -> list[str]:
        v, out = st.values, []
        if v.get("ipca_12m") is not None:
            month = v["last_month"]
            out.append(f"IPCA 12m {v['ipca_12m']:.2f}% to {month} ({v['ipca_12m_source']})")
        if v.get("core_12m") is not None:
            out.append(f"mean of cores {', '.join(v['cores_12m'])}: {v['core_12m']:.2f}% 12m")
        if v.get("saar_3m") is not None:
            out.append(f"IPCA 3m SAAR {v['saar_3m']:.2f}% ({v['saar_3m_source']})")
        if v.get("focus_12m") is not None:
            out.append(f"Focus IPCA 12m median {v['focus_12m']:.2f}% ({v['focus_date']})")
        p = v.get("phillips")
        if p:
            c = p["coefficients"]
            terms = ", ".join(f"{k} {c[k]:+.3f}" for k in p["regressors_used"])
            out.append(f"Phillips curve R² {p['rsquared']:.2f} on {p['nobs']} months: {terms}")
        if v.get("us_12m") is not None:
            out.append(f"US {v['us_measure']} {v['us_12m']:.2f}% ({v['us_month']})")
        return out

    def _risks(self, target, st: _State) -> list[str]:
        v, out = st.values, []
        p = v.get("phillips")
        if p and p.get("latest_output_gap_pct") is not None:
            out.append(f"output gap {p['latest_output_gap_pct']:+.2f}% (one-sided HP, revised)")
        if p and "fx_change" in p["regressors_used"]:
            out.append("FX pass-through: a BRL move feeds tradables with a lag")
        if v.get("focus_12m") is not None and (st.as_of - v["focus_date"]).days > 15:
            out.append(f"Focus stale: last survey {v['focus_date']}")
        if st.absent:
            out.append(f"inputs not found: {', '.join(st.absent)}")
        out.extend(f"missing: {m}" for m in st.missing)
        return out

    def _diagnostics(self, target, st: _State) -> dict:
        v = st.values

        def r(x):
            return None if x is None else round(float(x), 4)

        return {
            "ipca_last_month": None if "last_month" not in v else str(v["last_month"]),
            "ipca_12m_pct": r(v.get("ipca_12m")),
            "ipca_12m_source": v.get("ipca_12m_source"),
            "ipca_3m_saar_pct": r(v.get("saar_3m")),
            "ipca_3m_saar_source": v.get("saar_3m_source"),
            "cores_12m_pct": {k: r(x) for k, x in v.get("cores_12m", {}).items()},
            "cores_3m_saar_pct": {k: r(x) for k, x in v.get("cores_3m_saar", {}).items()},
            "inflation_target_pct": None if target is None else target.target_pct,
            "tolerance_pp": None if target is None else target.tolerance_pp,
            "band_position": self._band_word(v.get("ipca_12m"), target),
            "focus_ipca_12m_pct": r(v.get("focus_12m")),
            "focus_survey_date": None if "focus_date" not in v else v["focus_date"].isoformat(),
            "phillips_curve": v.get("phillips"),
            "us_measure": v.get("us_measure"),
            "us_12m_pct": r(v.get("us_12m")),
            "us_core_cpi_3m_saar_pct": r(v.get("us_core_cpi_3m_saar")),
            "inputs_not_found": list(st.absent),
            "missing": st.missing,
            "params": {
                "neutral_band_pp": self.neutral_band_pp,
                "us_neutral_band_pp": self.us_neutral_band_pp,
                "us_target_pct": self.us_target_pct,
                "window_months": self.window_months,
                "min_obs": self.min_obs,
                "hac_maxlags": self.hac_maxlags,
                "hp_lambda": self.hp_lambda,
            },
        }


# --- point-in-time inputs ---------------------------------------------------------------------


def _load_optional(loader, columns, start: date, as_of: date) -> tuple[pd.DataFrame, list[str]]:
    """Columns that exist at ``as_of``; the loader raises on any missing one, so retry singly."""
    try:
        return loader.load(list(columns), start, as_of, as_of), []
    except ValueError:
        parts, missing = [], []
        for col in columns:
            try:
                parts.append(loader.load([col], start, as_of, as_of))
            except ValueError:
                missing.append(col)
        frame = pd.concat(parts, axis=1).sort_index() if parts else pd.DataFrame()
        return frame, missing


def load_inputs(loader, as_of: date, history_years: int = 16) -> InflationInputs:
    """Everything the agent needs, as known at ``as_of``, from a PointInTimeLoader.

    IPCA (SGS 433) is required (the loader's ValueError propagates); every other input is
    optional and named in ``missing`` when absent. The target comes from the gold band feature
    and, failing that, from the catalog of CMN decisions.
    """
    start = date(as_of.year - history_years, 1, 1)
    ipca = loader.load([IPCA], start, as_of, as_of)[IPCA]
    features, missing = _load_optional(loader, FEATURES, date(as_of.year - 2, 1, 1), as_of)
    series, absent = _load_optional(loader, [FOCUS, IBC_BR, USDBRL[0]], start, as_of)
    missing += absent
    if USDBRL[0] in absent:
        alt, absent = _load_optional(loader, [USDBRL[1]], start, as_of)
        series = pd.concat([series, alt.rename(columns={USDBRL[1]: USDBRL[0]})], axis=1)
        missing += absent
    band, absent = _load_optional(loader, TARGET_BAND, date(as_of.year, 1, 1), as_of)
    target = None
    if not absent and len(band):
        # Known from the end of the decision day in São Paulo: that day is the decision's.
        known = band.attrs["known_at"][TARGET_BAND[0]] - pd.Timedelta(microseconds=1)
        level, upper = (float(band[c].dropna().iloc[-1]) for c in TARGET_BAND)
        decided = known.astimezone(FUND_TZ).date()
        target = InflationTarget(as_of.year, level, round(upper - level, 4), decided)
    else:
        try:
            target = target_for(as_of)
        except ValueError:
            missing += absent
    return InflationInputs(
        ipca_mom=ipca,
        features=features,
        target=target,
        focus_12m=series[FOCUS] if FOCUS in series else None,
        activity=series[IBC_BR] if IBC_BR in series else None,
        usdbrl=series[USDBRL[0]] if USDBRL[0] in series else None,
        missing=tuple(missing),
    )
