"""Long-short risk budgeting: weights whose risk contributions match given budgets.

With signs ``s`` fixed (the sign of each signal), write ``w = s ∘ y`` with ``y > 0``. The
risk-budgeting portfolio solves the strictly convex problem (Spinu 2013; Roncalli 2013, ch. 2)

    min_y  ½ y' Σ_s y − Σ_i b_i ln y_i,       Σ_s = diag(s) Σ diag(s),

whose first-order condition ``y_i (Σ_s y)_i = b_i`` says that each asset's share of variance,
``w_i (Σ w)_i / w' Σ w``, equals its budget ``b_i`` (at the optimum ``w' Σ w = Σ b_i = 1``).
A signed orthant contains exactly one such point, so the solution is unique.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize


def risk_contributions(weights: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Shares of portfolio variance, ``w_i (Σ w)_i / (w' Σ w)``.

    Parameters
    ----------
    weights : ndarray, shape (n,)
        Fractions of NAV.
    cov : ndarray, shape (n, n)
        Covariance of returns per unit notional (any period: shares are unit-free).

    Returns
    -------
    ndarray, shape (n,)
        Risk contribution shares, summing to 1 (all zeros for a riskless portfolio). Equal to
        ``RC_i / σ_p`` with ``RC_i = w_i (Σ w)_i / σ_p`` the Euler contribution to volatility.
    """
    w = np.asarray(weights, dtype=float)
    marginal = np.asarray(cov, dtype=float) @ w
    variance = float(w @ marginal)
    if variance <= 0:
        return np.zeros_like(w)
    return w * marginal / variance


def _newton_polish(sigma: np.ndarray, b: np.ndarray, y: np.ndarray, steps: int = 50) -> np.ndarray:
    # L-BFGS-B stops near 1e-8 in the gradient; a few Newton steps on the convex objective
    # (Hessian Σ + diag(b / y²), positive definite) take the budgets to machine precision.
    for _ in range(steps):
        grad = sigma @ y - b / y
        if np.max(np.abs(grad * y)) < 1e-15:
            break
        step = np.linalg.solve(sigma + np.diag(b / y**2), grad)
        t = 1.0
        while np.any(y - t * step <= 0) and t > 1e-30:
            t /= 2
        y = y - t * step
    return y


def _solve_positive(sigma: np.ndarray, b: np.ndarray) -> np.ndarray:
    def objective(y: np.ndarray) -> tuple[float, np.ndarray]:
        sy = sigma @ y
        return 0.5 * float(y @ sy) - float(b @ np.log(y)), sy - b / y

    start = 1.0 / np.sqrt(np.diag(sigma))
    start *= np.sqrt(1.0 / float(start @ sigma @ start))
    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(1e-12, None)] * len(b),
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000},
    )
    return _newton_polish(sigma, b, np.asarray(result.x, dtype=float))


def risk_budget_weights(
    cov: np.ndarray, budgets: np.ndarray, signs: np.ndarray | None = None
) -> np.ndarray:
    """Weights whose variance shares equal ``budgets``, with the given signs.

    Parameters
    ----------
    cov : ndarray, shape (n, n)
        Covariance of returns per unit notional, positive definite on the active assets.
    budgets : ndarray, shape (n,)
        Non-negative risk budgets; renormalised to sum 1 over the active assets.
    signs : ndarray, shape (n,), optional
        Sign of each position (+1 long / -1 short in the fund's sign convention, 0 for no
        position). Defaults to all long. Assets with sign 0 or budget 0 get weight 0.

    Returns
    -------
    ndarray, shape (n,)
        Signed weights normalised to gross ``sum |w| = 1``; scale them (e.g. by a vol target)
        afterwards, since risk shares do not depend on scale.
    """
    sigma = np.asarray(cov, dtype=float)
    b = np.asarray(budgets, dtype=float)
    n = len(b)
    s = np.ones(n) if signs is None else np.sign(np.asarray(signs, dtype=float))
    if sigma.shape != (n, n) or s.shape != (n,):
        raise ValueError(f"cov must be ({n}, {n}) and signs ({n},), got {sigma.shape}, {s.shape}")
    if np.any(b < 0) or not np.all(np.isfinite(b)):
        raise ValueError(f"budgets must be finite and non-negative, got {b}")
    active = (s != 0) & (b > 0)
    weights = np.zeros(n)
    if not active.any():
        return weights
    sa = s[active]
    sigma_s = sigma[np.ix_(active, active)] * np.outer(sa, sa)
    y = _solve_positive(sigma_s, b[active] / b[active].sum())
    weights[active] = sa * y
    return weights / np.abs(weights).sum()
