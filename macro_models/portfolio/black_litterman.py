"""Black–Litterman posterior returns and weights, and views built from the fund's signals.

Notation (He & Litterman 1999): N assets, K views. Prior excess returns ``π`` (equilibrium
``π = δ Σ w_mkt``, or given; for a macro book with no market portfolio, zero), uncertainty of
the prior ``τΣ``, views ``P μ = Q + ε`` with ``ε ~ N(0, Ω)``. The master formula:

    μ_post = π + τΣP' (τPΣP' + Ω)⁻¹ (Q − Pπ)
    M      = τΣ − τΣP' (τPΣP' + Ω)⁻¹ PτΣ          (uncertainty of the mean)
    Σ_post = Σ + M
    w*     = (δ Σ_post)⁻¹ μ_post                   (unconstrained mean-variance weights)

written in the form that stays finite for ``Ω = 0`` (views held with certainty).

``Ω`` is diagonal. ``"he_litterman"``: ``Ω_kk = τ (PΣP')_kk / c_k`` (c = 1 is He–Litterman's
choice, which makes the view as uncertain as the prior of the portfolio it names).
``"idzorek"``: ``Ω_kk = τ (PΣP')_kk (1 − c_k) / c_k`` with c in [0, 1], the closed form of
Idzorek's (2005) confidence method (Walters 2011; as PyPortfolioOpt): c = 1 gives a certain view,
c = 0.5 the He–Litterman default, c → 0 ignores the view.

All of ``π``, ``Q``, ``Σ`` must be in one period; the fund uses annual units here (daily
covariances × 252).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

OmegaMethod = Literal["he_litterman", "idzorek"]


def implied_returns(
    cov: np.ndarray, market_weights: np.ndarray, risk_aversion: float
) -> np.ndarray:
    """Equilibrium excess returns ``π = δ Σ w_mkt``, shape (n,), in the units of ``cov``."""
    return risk_aversion * np.asarray(cov, dtype=float) @ np.asarray(market_weights, dtype=float)


def view_uncertainty(
    P: np.ndarray,
    cov: np.ndarray,
    tau: float,
    confidences: np.ndarray | None = None,
    method: OmegaMethod = "he_litterman",
) -> np.ndarray:
    """Diagonal ``Ω`` (K × K) from view confidences; see the module docstring."""
    p = np.atleast_2d(np.asarray(P, dtype=float))
    base = tau * np.einsum("kn,nm,km->k", p, np.asarray(cov, dtype=float), p)
    c = np.ones(len(base)) if confidences is None else np.asarray(confidences, dtype=float)
    if c.shape != base.shape:
        raise ValueError(f"confidences must have shape {base.shape}, got {c.shape}")
    if method == "he_litterman":
        if np.any(c <= 0):
            raise ValueError(f"he_litterman confidences must be positive, got {c}")
        return np.diag(base / c)
    if method == "idzorek":
        if np.any((c < 0) | (c > 1)):
            raise ValueError(f"idzorek confidences must be in [0, 1], got {c}")
        with np.errstate(divide="ignore"):
            # c = 0 means "ignore the view": a huge but finite variance keeps the algebra finite.
            alpha = np.where(c > 0, (1 - c) / np.where(c > 0, c, 1), 1e12)
        return np.diag(base * alpha)
    raise ValueError(f"method must be 'he_litterman' or 'idzorek', got {method!r}")


class BlackLitterman:
    """Black–Litterman posterior (mean, covariance) and unconstrained optimal weights.

    Parameters
    ----------
    tau : float
        Scale of the prior's uncertainty, ``τΣ``. He & Litterman use 0.05.
    risk_aversion : float
        ``δ``, used for the equilibrium prior and for ``w* = (δΣ_post)⁻¹μ_post``.
    omega_method : {"he_litterman", "idzorek"}
        How view confidences map to ``Ω``.

    Attributes
    ----------
    prior_, posterior_mean_ : Series, indexed by asset
    posterior_cov_ : DataFrame, asset × asset
    omega_ : DataFrame, view × view
    weights_ : Series, unconstrained optimal weights (fractions of NAV)
    """

    def __init__(
        self,
        tau: float = 0.05,
        risk_aversion: float = 2.5,
        omega_method: OmegaMethod = "he_litterman",
    ) -> None:
        self.tau = tau
        self.risk_aversion = risk_aversion
        self.omega_method = omega_method

    def _check(self) -> None:
        if self.tau <= 0:
            raise ValueError(f"tau must be positive, got {self.tau}")
        if self.risk_aversion <= 0:
            raise ValueError(f"risk_aversion must be positive, got {self.risk_aversion}")

    def _prior(
        self, sigma: np.ndarray, assets: pd.Index, prior: pd.Series | None, mkt: pd.Series | None
    ) -> np.ndarray:
        if prior is not None:
            pi = prior.reindex(assets).to_numpy(dtype=float)
            if np.isnan(pi).any():
                raise ValueError(f"prior is missing assets: {list(assets[np.isnan(pi)])}")
            return pi
        if mkt is not None:
            w = mkt.reindex(assets).fillna(0.0).to_numpy(dtype=float)
            return implied_returns(sigma, w, self.risk_aversion)
        return np.zeros(len(assets))

    def fit(
        self,
        cov: pd.DataFrame,
        P: pd.DataFrame,
        Q: pd.Series,
        prior: pd.Series | None = None,
        market_weights: pd.Series | None = None,
        confidences: pd.Series | None = None,
    ) -> BlackLitterman:
        """Compute the posterior.

        Parameters
        ----------
        cov : DataFrame, N × N
            Covariance of excess returns (per unit notional, same period as ``Q``).
        P : DataFrame, K × N
            View portfolios, indexed by view, columns a subset of ``cov``'s assets.
        Q : Series, K
            Expected excess return of each view portfolio, indexed like ``P``.
        prior : Series, N, optional
            Prior mean ``π``. Takes precedence over ``market_weights``.
        market_weights : Series, N, optional
            Market weights for ``π = δ Σ w_mkt``. With neither, ``π = 0``.
        confidences : Series, K, optional
            View confidences (see the module docstring). Default 1.
        """
        self._check()
        assets = cov.index
        sigma = cov.loc[assets, assets].to_numpy(dtype=float)
        p = P.reindex(columns=assets, fill_value=0.0).to_numpy(dtype=float)
        q = Q.reindex(P.index).to_numpy(dtype=float)
        c = None if confidences is None else confidences.reindex(P.index).to_numpy(dtype=float)
        pi = self._prior(sigma, assets, prior, market_weights)
        omega = view_uncertainty(p, sigma, self.tau, c, self.omega_method)
        ts = self.tau * sigma
        gain = np.linalg.solve(p @ ts @ p.T + omega, p @ ts).T  # τΣP'(τPΣP' + Ω)⁻¹, N × K
        mean = pi + gain @ (q - p @ pi)
        post_cov = sigma + ts - gain @ p @ ts
        post_cov = (post_cov + post_cov.T) / 2
        self.prior_ = pd.Series(pi, index=assets, name="prior")
        self.posterior_mean_ = pd.Series(mean, index=assets, name="posterior_mean")
        self.posterior_cov_ = pd.DataFrame(post_cov, index=assets, columns=assets)
        self.omega_ = pd.DataFrame(omega, index=P.index, columns=P.index)
        weights = np.linalg.solve(self.risk_aversion * post_cov, mean)
        self.weights_ = pd.Series(weights, index=assets, name="weight")
        return self

    def summary(self) -> pd.DataFrame:
        """Prior, posterior mean and optimal weight per asset."""
        return pd.concat([self.prior_, self.posterior_mean_, self.weights_], axis=1)


def regime_adjusted(confidence: pd.Series, exposure: pd.Series, multiplier: pd.Series) -> pd.Series:
    """Confidence × m for long views, ÷ m for short ones (m from ``regime.regime_multipliers``).

    A multiplier below 1 says the regime argues against being long that asset class in the
    fund's sign convention, so it lowers long views and, symmetrically, raises short ones.
    """
    m = multiplier.reindex(confidence.index).fillna(1.0)
    if (m <= 0).any():
        raise ValueError(f"regime multipliers must be positive, got {m[m <= 0].to_dict()}")
    return confidence * np.where(exposure.reindex(confidence.index) >= 0, m, 1.0 / m)


def views_from_signals(
    signals: pd.DataFrame,
    vols: pd.Series,
    ir: float = 0.3,
    regime_multipliers: pd.Series | None = None,
    periods: int = 252,
    confidence_bounds: tuple[float, float] = (0.01, 0.99),
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """One absolute view per instrument with a non-zero aggregated exposure.

    Parameters
    ----------
    signals : DataFrame, indexed by instrument_id
        Output of ``macro_models.signals.aggregation``: ``exposure`` in [-1, 1], ``agreement``
        in [0, 1] (share of votes on the majority side), ``weight`` >= 0 (total vote weight).
    vols : Series, indexed by instrument_id
        Daily volatility of returns per unit notional.
    ir : float
        Annual information ratio per unit of exposure: a full-conviction (+1) signal expects
        ``ir`` annual vols of excess return.
    regime_multipliers : Series, indexed by instrument_id, optional
        From ``regime.regime_multipliers``; applied with ``regime_adjusted`` (long × m,
        short ÷ m). Missing instruments count as 1.
    periods : int
        Periods per year of ``vols``.
    confidence_bounds : (float, float)
        Confidences are clipped into this sub-interval of (0, 1), so no view is ever certain
        (Ω = 0) nor ignored.

    Returns
    -------
    P : DataFrame, K × N
        Views indexed by instrument_id, columns every instrument of ``signals``; row k is the
        unit vector of its instrument.
    Q : Series, K
        ``exposure · ir · vol_daily · sqrt(periods)``: expected annual excess return of a unit
        notional, in the sign convention (positive for a +1 signal).
    confidences : Series, K
        ``agreement · (1 − exp(−weight))``, regime-adjusted, clipped. The weight term saturates:
        one full-confidence fresh vote gives 0.63, three give 0.95; a split vote halves it.
        Meant for the ``"idzorek"`` Ω (0.5 reproduces He–Litterman's Ω = τPΣP').
    """
    if ir <= 0:
        raise ValueError(f"ir must be positive, got {ir}")
    lo, hi = confidence_bounds
    if not 0 < lo <= hi < 1:
        raise ValueError(
            f"confidence_bounds must satisfy 0 < lo <= hi < 1, got {confidence_bounds}"
        )
    active = signals.index[signals["exposure"].to_numpy(dtype=float) != 0]
    missing = active.difference(vols.dropna().index)
    if len(missing):
        raise ValueError(f"vols missing for instruments: {sorted(missing)}")
    exposure = signals.loc[active, "exposure"].astype(float)
    q = exposure * ir * vols.reindex(active).astype(float) * np.sqrt(periods)
    conf = signals.loc[active, "agreement"].astype(float) * (
        1 - np.exp(-signals.loc[active, "weight"].astype(float).clip(lower=0))
    )
    if regime_multipliers is not None:
        conf = regime_adjusted(conf, exposure, regime_multipliers)
    p = pd.DataFrame(
        np.eye(len(signals))[signals.index.get_indexer(active)],
        index=active,
        columns=signals.index,
    )
    return p, q.rename("Q"), conf.clip(lo, hi).rename("confidence")
