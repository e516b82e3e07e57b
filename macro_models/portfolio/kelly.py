"""Fractional Kelly sizing for Gaussian returns.

Maximising expected log growth ``w'μ − ½ w'Σw`` gives the full-Kelly weights ``Σ⁻¹μ``; a
fraction ``f`` of them keeps most of the growth with far less drawdown (growth at ``f`` is
``f(2 − f)`` of the maximum, variance ``f²`` of it). ``μ`` and ``Σ`` must share one period:
daily-and-daily or annual-and-annual give the same weights, since ``Σ⁻¹μ`` is scale-free in
time, but mixing them is off by the factor ``periods``.
"""

from __future__ import annotations

import numpy as np


def kelly_weights(mu: np.ndarray, cov: np.ndarray, fraction: float = 0.5) -> np.ndarray:
    """Fractional Kelly weights ``f · Σ⁻¹ μ``.

    Parameters
    ----------
    mu : ndarray, shape (n,)
        Expected excess returns per unit notional, per period.
    cov : ndarray, shape (n, n)
        Covariance of returns per unit notional, same period as ``mu``; positive definite.
    fraction : float
        Kelly fraction ``f``, in (0, 1]. 0.5 ("half Kelly") by default.

    Returns
    -------
    ndarray, shape (n,)
        Weights as fractions of NAV.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    m = np.asarray(mu, dtype=float)
    sigma = np.asarray(cov, dtype=float)
    if sigma.shape != (len(m), len(m)):
        raise ValueError(f"cov must be ({len(m)}, {len(m)}), got {sigma.shape}")
    return fraction * np.linalg.solve(sigma, m)
