"""Monte Carlo scenarios from Student-t marginals joined by a Gaussian or Student-t copula.

Fit (per instrument, on the window of daily returns per unit notional):

* marginals ``r_i = loc_i + scale_i * T_{nu_i}``. Default ``marginals="moments"``: ``loc`` the
  mean, ``nu = 4 + 6 / excess_kurtosis`` (the t's kurtosis solved for nu) and ``scale`` so that
  the variance matches the sample variance (ddof=1). It is vectorised over instruments and never
  fails to converge; its price is that it cannot give nu <= 4 (infinite kurtosis), which is why
  ``marginals="mle"`` (``scipy.stats.t.fit`` per instrument) is offered for very fat tails.
  ``nu`` is capped to [2.5, 100]; a non-positive excess kurtosis gives 100.
* correlation of the copula from the pseudo-observations ``u = rank / (T + 1)``: the Pearson
  correlation of their normal scores ``Phi^-1(u)`` (default), or Kendall's tau mapped by
  ``sin(pi tau / 2)`` (exact for any elliptical copula), then clipped to the nearest
  positive semi-definite correlation by eigenvalues.

Simulation (no loop over scenarios): ``Z ~ N(0, I)`` of shape (S, N), ``X = Z A'`` with
``A A' = R``; for the t copula ``X /= sqrt(W / nu_c)``, ``W ~ chi2(nu_c)``; ``U = F_c(X)`` and
``r = loc + scale * T_{nu_i}^-1(U)``. The random numbers come from :func:`draw_innovations`
so that a reference implementation can reuse them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from macro_models.risk.var import check_alpha, historical_es, historical_var

FloatArray = npt.NDArray[np.float64]
Copula = Literal["t", "gaussian"]

DOF_BOUNDS = (2.5, 100.0)
# Keeps U inside (0, 1) so that the inverse CDF stays finite.
_U_EPS = 1e-12


@dataclass(frozen=True)
class CopulaModel:
    """Fitted marginals and copula; arrays have shape (N,) and (N, N)."""

    loc: FloatArray
    scale: FloatArray
    dof: FloatArray
    correlation: FloatArray
    copula: Copula
    copula_dof: float


@dataclass(frozen=True)
class MonteCarloRisk:
    """VaR and ES in BRL (positive losses) and the scenario P&Ls (S,) they come from."""

    var: float
    es: float
    pnl: FloatArray


def _returns_matrix(returns: npt.ArrayLike) -> FloatArray:
    x = np.asarray(returns, dtype=float)
    if x.ndim != 2 or x.shape[0] < 3:
        raise ValueError(f"returns must be 2-D (T, N) with T >= 3, got shape {x.shape}")
    if np.isnan(x).any():
        raise ValueError("returns contain NaN: drop or fill incomplete rows first")
    return x


def fit_t_marginals(
    returns: npt.ArrayLike,
    marginals: Literal["moments", "mle"] = "moments",
    dof: float | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Student-t location, scale and degrees of freedom per instrument.

    Parameters
    ----------
    returns : array, shape (T, N)
        Daily returns per unit notional.
    marginals : {"moments", "mle"}
        Method of moments (see the module docstring) or ``scipy.stats.t.fit``.
    dof : float, optional
        Fix the degrees of freedom of every marginal (capped to [2.5, 100]); with
        "moments" the scale still matches the sample variance.

    Returns
    -------
    loc, scale, dof : arrays, shape (N,)
        In return units (loc, scale) and dimensionless (dof).
    """
    x = _returns_matrix(returns)
    lo, hi = DOF_BOUNDS
    if marginals == "mle":
        return _fit_mle(x, dof)
    if marginals != "moments":
        raise ValueError(f"marginals must be 'moments' or 'mle', got {marginals!r}")
    loc = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    if dof is None:
        excess = stats.kurtosis(x, axis=0, fisher=True, bias=True)
        with np.errstate(divide="ignore"):
            nu = np.where(excess > 0, 4.0 + 6.0 / np.maximum(excess, 1e-300), hi)
    else:
        nu = np.full(x.shape[1], float(dof))
    nu = np.clip(nu, lo, hi)
    scale = np.sqrt(var * (nu - 2.0) / nu)
    return loc, scale, nu


def _fit_mle(x: FloatArray, dof: float | None) -> tuple[FloatArray, FloatArray, FloatArray]:
    lo, hi = DOF_BOUNDS
    params = np.empty((x.shape[1], 3))
    for i in range(x.shape[1]):
        fixed = None if dof is None else float(np.clip(dof, lo, hi))
        fit = stats.t.fit(x[:, i]) if fixed is None else stats.t.fit(x[:, i], fix_df=fixed)
        if not lo <= fit[0] <= hi:
            fit = stats.t.fit(x[:, i], fix_df=float(np.clip(fit[0], lo, hi)))
        params[i] = fit
    return params[:, 1], params[:, 2], params[:, 0]


def nearest_correlation(matrix: npt.ArrayLike) -> FloatArray:
    """Clip negative eigenvalues to zero and rescale to a unit diagonal, shape (N, N)."""
    m = np.asarray(matrix, dtype=float)
    vals, vecs = np.linalg.eigh((m + m.T) / 2.0)
    m = (vecs * np.clip(vals, 0.0, None)) @ vecs.T
    d = np.sqrt(np.diag(m))
    out: FloatArray = m / np.outer(d, d)
    np.fill_diagonal(out, 1.0)
    return out


def copula_correlation(
    returns: npt.ArrayLike, method: Literal["normal_scores", "kendall"] = "normal_scores"
) -> FloatArray:
    """Copula correlation (N, N) of the pseudo-observations of ``returns`` (T, N)."""
    x = _returns_matrix(returns)
    if x.shape[1] == 1:
        return np.ones((1, 1))
    if method == "normal_scores":
        u = stats.rankdata(x, axis=0) / (x.shape[0] + 1)
        r = np.corrcoef(special.ndtri(u), rowvar=False)
    elif method == "kendall":
        tau = np.asarray(stats.kendalltau(x[:, :, None], x[:, None, :], axis=0).statistic)
        r = np.sin(np.pi / 2.0 * tau)
    else:
        raise ValueError(f"method must be 'normal_scores' or 'kendall', got {method!r}")
    return nearest_correlation(r)


def correlation_factor(correlation: npt.ArrayLike) -> FloatArray:
    """``A`` (N, N) with ``A A' = R``, by eigenvalues so that singular R (N > T) works."""
    vals, vecs = np.linalg.eigh(np.asarray(correlation, dtype=float))
    out: FloatArray = vecs * np.sqrt(np.clip(vals, 0.0, None))
    return out


def fit_copula_model(
    returns: npt.ArrayLike,
    copula: Copula = "t",
    copula_dof: float = 6.0,
    marginals: Literal["moments", "mle"] = "moments",
    marginal_dof: float | None = None,
    correlation: Literal["normal_scores", "kendall"] = "normal_scores",
) -> CopulaModel:
    """Fit marginals and copula on ``returns`` (T, N); see :func:`simulate_returns`."""
    if copula not in ("t", "gaussian"):
        raise ValueError(f"copula must be 't' or 'gaussian', got {copula!r}")
    if not copula_dof > 2.0:
        raise ValueError(f"copula_dof must be > 2, got {copula_dof!r}")
    loc, scale, dof = fit_t_marginals(returns, marginals, marginal_dof)
    corr = copula_correlation(returns, correlation)
    return CopulaModel(loc, scale, dof, corr, copula, float(copula_dof))


def draw_innovations(
    model: CopulaModel, n_scenarios: int, seed: int | np.random.Generator | None
) -> tuple[FloatArray, FloatArray | None]:
    """The random numbers: ``Z`` (S, N) standard normal and, for the t copula, ``W`` (S,)."""
    if n_scenarios < 1:
        raise ValueError(f"n_scenarios must be >= 1, got {n_scenarios!r}")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_scenarios, model.loc.size))
    w = rng.chisquare(model.copula_dof, n_scenarios) if model.copula == "t" else None
    return z, w


def simulate_from_model(
    model: CopulaModel, n_scenarios: int = 10_000, seed: int | np.random.Generator | None = None
) -> FloatArray:
    """Scenario returns (S, N) per unit notional from a fitted :class:`CopulaModel`."""
    z, w = draw_innovations(model, n_scenarios, seed)
    x = z @ correlation_factor(model.correlation).T
    if w is None:
        u = special.ndtr(x)
    else:
        x = x / np.sqrt(w / model.copula_dof)[:, None]
        u = special.stdtr(model.copula_dof, x)
    u = np.clip(u, _U_EPS, 1.0 - _U_EPS)
    out: FloatArray = model.loc + model.scale * special.stdtrit(model.dof, u)
    return out


def simulate_returns(
    returns: npt.ArrayLike,
    n_scenarios: int = 10_000,
    copula: Copula = "t",
    seed: int | np.random.Generator | None = None,
    copula_dof: float = 6.0,
    marginals: Literal["moments", "mle"] = "moments",
    marginal_dof: float | None = None,
    correlation: Literal["normal_scores", "kendall"] = "normal_scores",
) -> FloatArray:
    """Simulate daily returns with t marginals and a t or Gaussian copula.

    Parameters
    ----------
    returns : array, shape (T, N)
        Historical daily simple returns per unit notional, no NaN.
    n_scenarios : int
        S, the number of scenarios.
    copula : {"t", "gaussian"}
    seed : int or Generator, optional
    copula_dof : float
        Degrees of freedom of the t copula (a parameter, not estimated), > 2.
    marginals, marginal_dof : see :func:`fit_t_marginals`.
    correlation : see :func:`copula_correlation`.

    Returns
    -------
    ndarray, shape (S, N)
        Scenario returns per unit notional.
    """
    model = fit_copula_model(returns, copula, copula_dof, marginals, marginal_dof, correlation)
    return simulate_from_model(model, n_scenarios, seed)


def monte_carlo_var(
    w: npt.ArrayLike,
    returns: npt.ArrayLike,
    alpha: float,
    n_scenarios: int = 10_000,
    copula: Copula = "t",
    seed: int | np.random.Generator | None = None,
    copula_dof: float = 6.0,
    marginals: Literal["moments", "mle"] = "moments",
    marginal_dof: float | None = None,
    correlation: Literal["normal_scores", "kendall"] = "normal_scores",
) -> MonteCarloRisk:
    """Monte Carlo VaR and ES of the book ``w`` (N,) in BRL at confidence ``alpha``.

    Simulates with :func:`simulate_returns` (same parameters) and applies the historical
    estimators of :mod:`macro_models.risk.var` to the scenario P&Ls ``scenarios @ w``.
    """
    check_alpha(alpha)
    scenarios = simulate_returns(
        returns, n_scenarios, copula, seed, copula_dof, marginals, marginal_dof, correlation
    )
    pnl = scenarios @ np.asarray(w, dtype=float)
    return MonteCarloRisk(historical_var(pnl, alpha), historical_es(pnl, alpha), pnl)
