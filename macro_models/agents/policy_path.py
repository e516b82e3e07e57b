"""The Selic path priced in the DI1 curve, against the Focus survey, and its surprises.

A DI1 rate ``r`` for ``n`` business days is the compounded average CDI the market expects over
that horizon (exponential, bus/252): growth ``G(n) = (1 + r/100) ** (n/252)``. Between two
tenors ``n1 < n2`` the forward CDI is ``(G(n2)/G(n1)) ** (252/(n2 − n1)) − 1``; taken flat over
each segment, the forwards are the policy path the curve implies. Adding the CDI–Selic spread
(CDI trades about 0.10 pp under the Selic target) turns them into a Selic path.

Two views come out of it:

- market vs survey: the implied Selic at the end of the Focus reference year against the Focus
  median for that year end (bp; positive = the market prices a tighter path than economists);
- surprise: the change of the 1-year DI1 rate over the last ~5 sessions beyond what the Focus
  revision over the same days explains (bp; positive = hawkish).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from macro_models.agents.report import AgentSignal, Direction
from macro_models.pit import PointInTimeLoader

DI1_TENORS = (21, 63, 126, 252, 504)
FOCUS_SELIC = "bcb_focus__selic_annual_median"
FOCUS_SELIC_NEXT = "bcb_focus__selic_annual_next_median"
FOCUS_SELIC_REV = "macro:focus_selic_annual_median_rev_4w"
BD_PER_YEAR = 252


def forward_rates(rates: pd.Series) -> pd.DataFrame:
    """Forward CDI between consecutive DI1 tenors.

    Parameters
    ----------
    rates : pd.Series
        DI1 rates, % p.a. (bus/252), indexed by tenor in business days (ints > 0). NaNs dropped.

    Returns
    -------
    pd.DataFrame
        One row per segment with ``start_bd``, ``end_bd`` and ``forward_pct`` (% p.a., bus/252);
        the first segment starts at 0, where its forward is the shortest rate itself.
    """
    s = rates.dropna()
    s.index = s.index.astype(int)
    s = s.sort_index()
    if s.empty:
        raise ValueError("no DI1 rates")
    if (s.index <= 0).any():
        raise ValueError("DI1 tenors must be positive business days")
    ends = s.index.to_numpy()
    starts = np.concatenate([[0], ends[:-1]])
    log_growth = ends / BD_PER_YEAR * np.log1p(s.to_numpy() / 100)
    prev = np.concatenate([[0.0], log_growth[:-1]])
    fwd = np.expm1((log_growth - prev) * BD_PER_YEAR / (ends - starts)) * 100
    return pd.DataFrame({"start_bd": starts, "end_bd": ends, "forward_pct": fwd})


def rate_at(forwards: pd.DataFrame, horizon_bd: float) -> float:
    """The flat forward of the segment holding ``horizon_bd`` (NaN beyond the last tenor)."""
    inside = forwards[(forwards["start_bd"] < horizon_bd) & (horizon_bd <= forwards["end_bd"])]
    if horizon_bd <= 0 and not forwards.empty:
        return float(forwards["forward_pct"].iloc[0])
    return float(inside["forward_pct"].iloc[0]) if not inside.empty else float("nan")


def business_days_between(start: date, end: date) -> int:
    """Business days from ``start`` to ``end``, approximated as calendar days × 252/365."""
    return round((end - start).days * BD_PER_YEAR / 365)


def _last(series: pd.Series | None, as_of: date) -> tuple[float, date] | None:
    if series is None:
        return None
    s = series.dropna().sort_index()
    if s.empty:
        return None
    s = s[pd.DatetimeIndex(s.index) <= pd.Timestamp(as_of)]
    if s.empty:
        return None
    return float(s.iloc[-1]), s.index[-1].date()


def _direction(value: float, band: float) -> Direction:
    if abs(value) < band:
        return 0
    return 1 if value > 0 else -1


def _missing(signal_id: str, why: str) -> AgentSignal:
    return AgentSignal(signal_id, 0, 0.0, 0.0, "3m", why)


@dataclass(frozen=True)
class _Curve:
    day: date
    forwards: pd.DataFrame
    age_days: int


class DiPolicyPath:
    """Parameters
    ----------
    cdi_selic_spread_pp : float
        Selic target − CDI, pp (about 0.10 since 1999).
    path_band_bp : float
        |market − Focus| in bp below which the market-vs-survey view is neutral.
    surprise_days : int
        Window of the surprise in calendar days (7 ≈ 5 sessions).
    surprise_band_bp : float
        |surprise| in bp below which there is no surprise.
    max_curve_age_days : int
        Calendar days after which the newest DI1 curve counts as stale (confidence falls to
        zero over the following 30 days).
    focus_max_age_days : int
        Calendar days after which a Focus median is too old to compare with.
    min_horizon_bd : int
        The Focus year end must be at least this far ahead to be compared (else next year's).

    Attributes
    ----------
    forwards_ : pd.DataFrame or None
        The implied CDI path of the newest curve (see ``forward_rates``).
    signals_ : list of AgentSignal
        ``br_market_vs_focus_path`` and ``br_policy_surprise`` (+1 hawkish).
    diagnostics_ : dict
    """

    def __init__(
        self,
        cdi_selic_spread_pp: float = 0.10,
        path_band_bp: float = 50.0,
        surprise_days: int = 7,
        surprise_band_bp: float = 15.0,
        max_curve_age_days: int = 10,
        focus_max_age_days: int = 15,
        min_horizon_bd: int = 21,
    ) -> None:
        self.cdi_selic_spread_pp = cdi_selic_spread_pp
        self.path_band_bp = path_band_bp
        self.surprise_days = surprise_days
        self.surprise_band_bp = surprise_band_bp
        self.max_curve_age_days = max_curve_age_days
        self.focus_max_age_days = focus_max_age_days
        self.min_horizon_bd = min_horizon_bd

    def _check(self) -> None:
        if self.surprise_days <= 0:
            raise ValueError(f"surprise_days must be positive, got {self.surprise_days}")
        if self.path_band_bp < 0 or self.surprise_band_bp < 0:
            raise ValueError("bands must be non-negative")

    def _confidence(self, age_days: int) -> float:
        late = max(age_days - self.max_curve_age_days, 0)
        return float(np.clip(0.6 * (1 - late / 30), 0.0, 0.6))

    def fit(
        self,
        di1: pd.DataFrame | None,
        as_of: date,
        focus_selic: pd.Series | None = None,
        focus_selic_next: pd.Series | None = None,
        focus_selic_rev_4w: pd.Series | None = None,
    ) -> DiPolicyPath:
        """Read the path for ``as_of`` from point-in-time inputs (rows after ``as_of`` ignored).

        Parameters
        ----------
        di1 : pd.DataFrame or None
            DI1 rates, % p.a., indexed by trade date, one column per tenor in business days
            (ints, or loader names ``"di1:<tenor>"``).
        focus_selic, focus_selic_next : pd.Series or None
            Focus median Selic, % p.a., at the end of the survey date's year / the next year,
            indexed by survey date.
        focus_selic_rev_4w : pd.Series or None
            4-week revision of ``focus_selic``, pp; used when the level does not span the
            surprise window.
        """
        self._check()
        self.diagnostics_: dict[str, Any] = {}
        self.forwards_: pd.DataFrame | None = None
        now = self._curve(di1, as_of)
        if now is None or di1 is None:
            why = "no DI1 curve known at the date"
            self.diagnostics_["missing"] = why
            self.signals_ = [
                _missing("br_market_vs_focus_path", why),
                _missing("br_policy_surprise", why),
            ]
            return self
        self.forwards_ = now.forwards
        implied_1y = rate_at(now.forwards, BD_PER_YEAR) + self.cdi_selic_spread_pp
        self.diagnostics_.update(
            curve_date=now.day.isoformat(),
            curve_age_days=now.age_days,
            implied_selic_path_pct={
                f"{int(r.start_bd)}-{int(r.end_bd)}bd": round(
                    r.forward_pct + self.cdi_selic_spread_pp, 4
                )
                for r in now.forwards.itertuples()
            },
            implied_selic_1y_ahead_pct=None if np.isnan(implied_1y) else round(implied_1y, 4),
        )
        self.signals_ = [
            self._vs_focus(now, as_of, focus_selic, focus_selic_next),
            self._surprise(di1, now, as_of, focus_selic, focus_selic_rev_4w),
        ]
        return self

    @staticmethod
    def _curve(di1: pd.DataFrame | None, as_of: date) -> _Curve | None:
        """The newest curve dated on or before ``as_of``."""
        if di1 is None or di1.empty:
            return None
        frame = di1[di1.index <= pd.Timestamp(as_of)].dropna(how="all")
        if frame.empty:
            return None
        frame = frame.rename(columns=lambda c: int(str(c).removeprefix("di1:")))
        day = frame.index[-1].date()
        return _Curve(day, forward_rates(frame.iloc[-1]), (as_of - day).days)

    def _vs_focus(
        self,
        now: _Curve,
        as_of: date,
        focus: pd.Series | None,
        focus_next: pd.Series | None,
    ) -> AgentSignal:
        sid = "br_market_vs_focus_path"
        cur = _last(focus, as_of)
        candidates = []
        if cur is not None:
            candidates.append((cur, cur[1].year))
            nxt = _last(focus_next, as_of)
            if nxt is not None and nxt[1].year == cur[1].year:
                candidates.append((nxt, cur[1].year + 1))
        chosen = None
        for (value, survey_day), year in candidates:
            if (as_of - survey_day).days > self.focus_max_age_days:
                continue
            horizon = business_days_between(now.day, date(year, 12, 31))
            market = rate_at(now.forwards, horizon)
            if horizon >= self.min_horizon_bd and not np.isnan(market):
                chosen = (value, survey_day, year, horizon, market + self.cdi_selic_spread_pp)
                break
        if chosen is None:
            why = "no fresh Focus Selic median for a year end inside the DI1 curve"
            self.diagnostics_["market_vs_focus"] = why
            return _missing(sid, why)
        focus_value, survey_day, year, horizon, market = chosen
        gap_bp = (market - focus_value) * 100
        direction = _direction(gap_bp, self.path_band_bp)
        self.diagnostics_["market_vs_focus"] = {
            "year_end": year,
            "horizon_bd": horizon,
            "market_selic_pct": round(market, 4),
            "focus_selic_pct": focus_value,
            "focus_survey_date": survey_day.isoformat(),
            "gap_bp": round(gap_bp, 2),
        }
        return AgentSignal(
            signal_id=sid,
            direction=direction,
            strength=round(float(min(abs(gap_bp) / 200, 1.0)), 4),
            confidence=round(self._confidence(now.age_days), 4),
            horizon="6m",
            rationale=(
                f"DI1 prices Selic {market:.2f}% at end-{year} vs Focus {focus_value:.2f}% "
                f"({gap_bp:+.0f} bp)"
            ),
        )

    def _surprise(
        self,
        di1: pd.DataFrame,
        now: _Curve,
        as_of: date,
        focus: pd.Series | None,
        focus_rev_4w: pd.Series | None,
    ) -> AgentSignal:
        sid = "br_policy_surprise"
        col = next((c for c in di1.columns if str(c).removeprefix("di1:") == "252"), None)
        if col is None:
            self.diagnostics_["surprise"] = "no 1-year DI1 rate"
            return _missing(sid, "no 1-year DI1 rate")
        one_year = di1[col].dropna()
        one_year = one_year[one_year.index <= pd.Timestamp(now.day)]
        window = pd.Timedelta(days=self.surprise_days)
        start = pd.Timestamp(now.day) - window
        # The base is the last close at least a window back, but no more than two windows.
        base = one_year[(one_year.index <= start) & (one_year.index >= start - window)]
        if base.empty or one_year.index[-1].date() != now.day:
            why = f"no 1-year DI1 rate {self.surprise_days} days before {now.day}"
            self.diagnostics_["surprise"] = why
            return _missing(sid, why)
        base_day = base.index[-1].date()
        move_bp = (float(one_year.iloc[-1]) - float(base.iloc[-1])) * 100
        explained_bp, source = self._focus_move(focus, focus_rev_4w, base_day, now.day)
        surprise_bp = move_bp - (explained_bp if explained_bp is not None else 0.0)
        confidence = self._confidence(now.age_days) * (1.0 if explained_bp is not None else 0.6)
        self.diagnostics_["surprise"] = {
            "from": base_day.isoformat(),
            "to": now.day.isoformat(),
            "di1_1y_change_bp": round(move_bp, 2),
            "focus_change_bp": None if explained_bp is None else round(explained_bp, 2),
            "focus_change_source": source,
            "surprise_bp": round(surprise_bp, 2),
        }
        return AgentSignal(
            signal_id=sid,
            direction=_direction(surprise_bp, self.surprise_band_bp),
            strength=round(float(min(abs(surprise_bp) / 50, 1.0)), 4),
            confidence=round(confidence, 4),
            horizon="1m",
            rationale=(
                f"DI1 1y {move_bp:+.0f} bp since {base_day}, Focus Selic "
                + ("n/a" if explained_bp is None else f"{explained_bp:+.0f} bp")
                + f": surprise {surprise_bp:+.0f} bp"
            ),
        )

    def _focus_move(
        self,
        focus: pd.Series | None,
        rev_4w: pd.Series | None,
        start: date,
        end: date,
    ) -> tuple[float | None, str]:
        """Focus Selic revision over [start, end] in bp, and where it came from."""
        a, b = _last(focus, start), _last(focus, end)
        if a is not None and b is not None and a[1].year == b[1].year:
            if (end - b[1]).days <= self.focus_max_age_days:
                return (b[0] - a[0]) * 100, "focus_level"
        rev = _last(rev_4w, end)
        if rev is not None and (end - rev[1]).days <= self.focus_max_age_days:
            # A 4-week revision spread evenly over the window.
            return rev[0] * 100 * (end - start).days / 28, "focus_rev_4w_scaled"
        return None, "missing"


def load_inputs(loader: PointInTimeLoader, as_of: date, lookback_days: int = 60) -> dict:
    """The point-in-time DI1 curve and Focus Selic frames for ``as_of`` (None where absent).

    Returns
    -------
    dict
        ``di1`` (DataFrame, columns ``di1:<tenor>``), ``focus_selic``, ``focus_selic_next``,
        ``focus_selic_rev_4w`` (Series): the keyword arguments of ``DiPolicyPath.fit``.
    """
    start = as_of - timedelta(days=lookback_days)

    def frame(columns: list[str]) -> pd.DataFrame | None:
        try:
            return loader.load(columns, start, as_of, as_of)
        except ValueError:
            # The loader names every column with nothing known; load one by one to keep the rest.
            parts = []
            for column in columns:
                try:
                    parts.append(loader.load([column], start, as_of, as_of))
                except ValueError:
                    continue
            return pd.concat(parts, axis=1) if parts else None

    di1 = frame([f"di1:{t}" for t in DI1_TENORS])
    focus = frame([FOCUS_SELIC, FOCUS_SELIC_NEXT, FOCUS_SELIC_REV])

    def column(f: pd.DataFrame | None, name: str) -> pd.Series | None:
        return f[name].dropna() if f is not None and name in f else None

    return {
        "di1": di1,
        "focus_selic": column(focus, FOCUS_SELIC),
        "focus_selic_next": column(focus, FOCUS_SELIC_NEXT),
        "focus_selic_rev_4w": column(focus, FOCUS_SELIC_REV),
    }
