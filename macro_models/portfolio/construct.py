"""From aggregated signals to final weights of NAV.

Pipeline, per call of ``PortfolioConstructor.construct``:

1. signals → raw weights, by ``method`` (only instruments with a non-zero exposure):
   - ``"vol_scaled"``: ``w_i = x_i / σ_i`` (signal over annual vol: equal risk per unit signal,
     correlations ignored);
   - ``"risk_budget"``: long-short risk budgeting with budgets ``|x_i| / Σ|x|`` and signs
     ``sign(x_i)`` (``risk_budget.risk_budget_weights``);
   - ``"black_litterman"``: one absolute view per signal (``views_from_signals``), zero prior,
     Idzorek Ω, annual covariance; raw weights are BL's ``w*``.
   For the first two, regime multipliers scale the signal (long × m, short ÷ m, clipped to
   [-1, 1]); for Black–Litterman they scale the view confidences.
2. vol target: scale to ``target_vol`` annual ex-ante vol (or the ``max_leverage`` gross cap).
3. fractional Kelly cap: ``k = f Σ⁻¹ μ`` with ``μ`` the signals' expected returns
   (``x · ir · σ_annual``; BL's posterior mean for Black–Litterman); each weight keeps its sign
   and is cut to ``min(|w|, |k|)``: the vol target never sizes a position beyond what its edge
   supports.
4. limits (``constraints.apply_limits``).

Weights are signed notional / NAV in the fund's sign convention; ``cov`` holds daily
covariances of returns per unit notional.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from macro_models.portfolio.black_litterman import BlackLitterman, views_from_signals
from macro_models.portfolio.constraints import PortfolioLimits, apply_limits
from macro_models.portfolio.kelly import kelly_weights
from macro_models.portfolio.risk_budget import risk_budget_weights, risk_contributions
from macro_models.portfolio.vol_target import portfolio_vol, vol_target

Method = Literal["risk_budget", "black_litterman", "vol_scaled"]
METHODS = ("risk_budget", "black_litterman", "vol_scaled")


class PortfolioConstructor:
    """Build final weights from aggregated signals.

    Parameters
    ----------
    method : {"risk_budget", "black_litterman", "vol_scaled"}
        How signals become raw weights (see the module docstring).
    target_vol : float
        Annual ex-ante vol target, fraction of NAV.
    kelly_fraction : float
        Kelly fraction ``f`` in (0, 1] for the size cap.
    limits : PortfolioLimits, optional
        Risk limits; none by default.
    ir : float
        Annual information ratio per unit of signal, for expected returns.
    max_leverage : float, optional
        Gross cap for the vol-target step.
    periods : int
        Periods per year of ``cov`` (252: daily).
    tau, risk_aversion : float
        Black–Litterman ``τ`` and ``δ``.

    Attributes
    ----------
    report_ : dict
        ``ex_ante_vol`` (final, annual), ``target_vol``, ``vol_binding`` ("target",
        "leverage" or "zero"), ``kelly_capped`` (instruments cut by Kelly), ``gross``, ``net``
        (fractions of NAV), ``net_dv01_brl``, ``net_fx_delta`` (fraction of NAV) and
        ``binding_constraints`` (names of limits at their bound).
    limits_report_ : DataFrame
        The report of ``apply_limits`` (empty without limits).
    """

    def __init__(
        self,
        method: Method = "risk_budget",
        target_vol: float = 0.10,
        kelly_fraction: float = 0.5,
        limits: PortfolioLimits | None = None,
        ir: float = 0.3,
        max_leverage: float | None = None,
        periods: int = 252,
        tau: float = 0.05,
        risk_aversion: float = 2.5,
    ) -> None:
        self.method = method
        self.target_vol = target_vol
        self.kelly_fraction = kelly_fraction
        self.limits = limits
        self.ir = ir
        self.max_leverage = max_leverage
        self.periods = periods
        self.tau = tau
        self.risk_aversion = risk_aversion

    def _validate(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if not 0 < self.kelly_fraction <= 1:
            raise ValueError(f"kelly_fraction must be in (0, 1], got {self.kelly_fraction}")
        if self.target_vol <= 0:
            raise ValueError(f"target_vol must be positive, got {self.target_vol}")
        if self.ir <= 0:
            raise ValueError(f"ir must be positive, got {self.ir}")

    def _strength(self, signals: pd.DataFrame, regime: pd.Series | None) -> pd.Series:
        x = signals["exposure"].astype(float)
        if regime is None or self.method == "black_litterman":
            return x
        m = regime.reindex(x.index).fillna(1.0)
        if (m <= 0).any():
            raise ValueError(f"regime multipliers must be positive, got {m[m <= 0].to_dict()}")
        return (x * np.where(x >= 0, m, 1.0 / m)).clip(-1, 1)

    def _raw(
        self, x: pd.Series, cov_a: pd.DataFrame, signals: pd.DataFrame, regime: pd.Series | None
    ) -> tuple[pd.Series, pd.Series]:
        """Raw weights and expected annual returns on the active instruments."""
        vol_a = pd.Series(np.sqrt(np.diag(cov_a)), index=cov_a.index)
        mu = x * self.ir * vol_a
        if self.method == "vol_scaled":
            return x / vol_a, mu
        if self.method == "risk_budget":
            w = risk_budget_weights(cov_a.to_numpy(), np.abs(x.to_numpy()), np.sign(x.to_numpy()))
            return pd.Series(w, index=x.index), mu
        vols_d = vol_a / np.sqrt(self.periods)
        p, q, conf = views_from_signals(signals.loc[x.index], vols_d, self.ir, regime, self.periods)
        bl = BlackLitterman(self.tau, self.risk_aversion, "idzorek")
        bl.fit(cov_a, p, q, confidences=conf)
        return bl.weights_, bl.posterior_mean_

    def construct(
        self,
        signals: pd.DataFrame,
        cov: pd.DataFrame,
        meta: pd.DataFrame,
        nav: float,
        regime_multipliers: pd.Series | None = None,
        usdbrl: float | None = None,
    ) -> pd.DataFrame:
        """Final weights per instrument.

        Parameters
        ----------
        signals : DataFrame, indexed by instrument_id
            Aggregated signals: ``exposure`` in [-1, 1]; ``agreement`` and ``weight`` are
            needed for Black–Litterman.
        cov : DataFrame, instrument_id × instrument_id
            Daily covariance of returns per unit notional; must cover the signals.
        meta : DataFrame, indexed by instrument_id
            ``asset_class``, ``mod_duration`` (signed years), ``fx_delta`` (see
            ``constraints.apply_limits``).
        nav : float
            NAV in BRL.
        regime_multipliers : Series, indexed by instrument_id, optional
            From ``regime.regime_multipliers``.
        usdbrl : float, optional
            BRL per USD, to express the FX delta in USD; ``fx_delta_usd`` is NaN without it.

        Returns
        -------
        DataFrame, indexed by instrument_id
            ``exposure``, ``raw_weight``, ``vol_target_weight``, ``kelly_weight`` (the cap),
            ``weight`` (final, fraction of NAV), ``notional_brl``, ``dv01_brl`` (BRL per bp,
            positive when the position gains as rates fall), ``fx_delta_brl``,
            ``fx_delta_usd`` and ``risk_contribution`` (share of final ex-ante variance).
        """
        self._validate()
        universe = signals.index
        missing = universe.difference(cov.index)
        if len(missing):
            raise ValueError(f"cov is missing instruments: {sorted(missing)}")
        x_all = self._strength(signals, regime_multipliers)
        active = universe[x_all.to_numpy() != 0]
        cov_d = cov.loc[universe, universe].astype(float)
        cov_a = cov_d.loc[active, active] * self.periods
        raw = pd.Series(0.0, index=universe)
        kelly = pd.Series(0.0, index=universe)
        if len(active):
            raw_a, mu = self._raw(x_all[active], cov_a, signals, regime_multipliers)
            raw[active] = raw_a
            kelly[active] = kelly_weights(mu.to_numpy(), cov_a.to_numpy(), self.kelly_fraction)
        targeted = vol_target(raw, cov_d, self.target_vol, self.periods, self.max_leverage)
        capped = np.sign(targeted.weights) * np.minimum(targeted.weights.abs(), kelly.abs())
        final, self.limits_report_ = self._limit(capped, meta, nav)
        out = self._frame(signals, raw, targeted.weights, kelly, final, cov_d, meta, nav, usdbrl)
        self.report_ = self._report(out, targeted.binding, capped, targeted.weights, cov_d, nav)
        return out

    def _limit(
        self, w: pd.Series, meta: pd.DataFrame, nav: float
    ) -> tuple[pd.Series, pd.DataFrame]:
        if self.limits is None:
            return w, pd.DataFrame(columns=["value_before", "value_after", "limit", "binding"])
        return apply_limits(w, meta, nav, self.limits)

    @staticmethod
    def _frame(
        signals: pd.DataFrame,
        raw: pd.Series,
        targeted: pd.Series,
        kelly: pd.Series,
        final: pd.Series,
        cov_d: pd.DataFrame,
        meta: pd.DataFrame,
        nav: float,
        usdbrl: float | None,
    ) -> pd.DataFrame:
        m = meta.reindex(final.index)
        out = pd.DataFrame(
            {
                "exposure": signals["exposure"].astype(float),
                "raw_weight": raw,
                "vol_target_weight": targeted,
                "kelly_weight": kelly,
                "weight": final,
                "notional_brl": final * nav,
                "dv01_brl": final * nav * m["mod_duration"].astype(float) / 10_000,
                "fx_delta_brl": final * nav * m["fx_delta"].astype(float),
            },
            index=final.index,
        )
        out["fx_delta_usd"] = out["fx_delta_brl"] / usdbrl if usdbrl else np.nan
        out["risk_contribution"] = risk_contributions(final.to_numpy(), cov_d.to_numpy())
        out.index.name = "instrument_id"
        return out

    def _report(
        self,
        out: pd.DataFrame,
        vol_binding: str,
        capped: pd.Series,
        targeted: pd.Series,
        cov_d: pd.DataFrame,
        nav: float,
    ) -> dict[str, Any]:
        w = out["weight"]
        cut = capped.abs() < targeted.abs() * (1 - 1e-12)
        binding = self.limits_report_.get("binding", pd.Series(dtype=bool))
        return {
            "ex_ante_vol": portfolio_vol(w.to_numpy(), cov_d.to_numpy(), self.periods),
            "target_vol": self.target_vol,
            "vol_binding": vol_binding,
            "kelly_capped": list(capped.index[cut]),
            "gross": float(w.abs().sum()),
            "net": float(w.sum()),
            "net_dv01_brl": float(out["dv01_brl"].sum()),
            "net_fx_delta": float(out["fx_delta_brl"].sum() / nav),
            "binding_constraints": list(binding.index[binding.astype(bool)]),
        }
