"""Monte Carlo scenarios: the vectorised simulation against the loop reference in
benchmarks/risk_var.py (loaded by path), Gaussian limit against the closed form, fat tails."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from macro_models.risk.montecarlo import (
    copula_correlation,
    fit_t_marginals,
    monte_carlo_var,
    simulate_returns,
)
from macro_models.risk.var import parametric_var

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "risk_var.py"


def _load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("risk_var_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fat_tailed(t: int, n: int, seed: int, dof: float = 4.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mix = np.eye(n) + 0.5 * rng.uniform(size=(n, n))
    return 0.01 * rng.standard_t(dof, (t, n)) @ mix


@pytest.mark.parametrize("copula", ["t", "gaussian"])
def test_vectorised_equals_loop_reference(copula: str) -> None:
    returns = _fat_tailed(300, 4, seed=0)
    loop = _load_benchmark().simulate_returns_loop(returns, 200, copula, seed=11)
    fast = simulate_returns(returns, 200, copula, seed=11)  # type: ignore[arg-type]
    assert fast.shape == (200, 4)
    # Same random numbers and math; only the summation order of Z A' differs.
    assert_allclose(fast, loop, rtol=1e-10, atol=1e-14)


def test_gaussian_limit_matches_parametric_var() -> None:
    rng = np.random.default_rng(3)
    cov = np.array([[4.0, 1.2, -0.6], [1.2, 2.25, 0.3], [-0.6, 0.3, 1.0]]) * 1e-4
    returns = rng.multivariate_normal([0.0005, 0.0, -0.0002], cov, size=4000)
    w = np.array([2e6, -1e6, 3e6])
    result = monte_carlo_var(
        w, returns, 0.99, n_scenarios=200_000, copula="gaussian", seed=5, marginal_dof=100
    )
    expected = parametric_var(w, np.cov(returns, rowvar=False), 0.99, returns.mean(axis=0))
    # MC standard error of the 99 % quantile is ~0.4 %; t(100) vs normal and normal scores vs
    # Pearson add well under 1 %.
    assert_allclose(result.var, expected, rtol=0.03)
    assert result.es > result.var


def test_t_marginals_fatten_the_99_var() -> None:
    returns = _fat_tailed(2000, 3, seed=4, dof=3.5)
    w = np.array([1e6, 1e6, -5e5])
    fitted = monte_carlo_var(w, returns, 0.99, 50_000, copula="gaussian", seed=9)
    normal = monte_carlo_var(w, returns, 0.99, 50_000, copula="gaussian", seed=9, marginal_dof=100)
    assert fitted.var > 1.05 * normal.var
    t_copula = monte_carlo_var(w, returns, 0.99, 50_000, copula="t", seed=9, copula_dof=4)
    assert t_copula.var > normal.var


def test_moment_fit_matches_variance_and_caps_dof() -> None:
    rng = np.random.default_rng(8)
    x = np.column_stack(
        [rng.standard_t(5, 5000), rng.uniform(-1, 1, 5000), rng.standard_t(3, 5000)]
    )
    loc, scale, dof = fit_t_marginals(x)
    assert_allclose(loc, x.mean(axis=0), rtol=1e-12)
    assert_allclose(scale**2 * dof / (dof - 2), x.var(axis=0, ddof=1), rtol=1e-12)
    excess = stats.kurtosis(x[:, 0])
    assert_allclose(dof[0], 4 + 6 / excess, rtol=1e-12)
    assert dof[1] == 100.0  # uniform: negative excess kurtosis
    assert 4.0 < dof[2] < dof[0]  # fatter tails, smaller dof
    assert np.all(fit_t_marginals(x, dof=1.0)[2] == 2.5)  # fixed dof, capped


def test_mle_fit_is_scipy_t_fit() -> None:
    x = 0.01 * np.random.default_rng(2).standard_t(5, (800, 2))
    loc, scale, dof = fit_t_marginals(x, "mle")
    expected = stats.t.fit(x[:, 1])
    assert_allclose([dof[1], loc[1], scale[1]], expected, rtol=1e-12)


def test_copula_correlation() -> None:
    x = _fat_tailed(400, 3, seed=6)
    r = copula_correlation(x)
    # Rank based: invariant under increasing transforms of each instrument.
    assert_allclose(copula_correlation(np.exp(50 * x)), r, rtol=1e-12)
    tau = np.eye(3)
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        tau[i, j] = tau[j, i] = stats.kendalltau(x[:, i], x[:, j]).statistic
    expected = np.sin(np.pi / 2 * tau)
    assert np.linalg.eigvalsh(expected).min() > 0  # already a correlation: no clipping
    assert_allclose(copula_correlation(x, "kendall"), expected, rtol=1e-12)


def test_bad_parameters() -> None:
    x = _fat_tailed(50, 2, seed=1)
    with pytest.raises(ValueError, match="copula must be 't' or 'gaussian', got 'clayton'"):
        simulate_returns(x, 10, "clayton")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="copula_dof must be > 2, got 2"):
        simulate_returns(x, 10, copula_dof=2)
    with pytest.raises(ValueError, match="n_scenarios must be >= 1, got 0"):
        simulate_returns(x, 0)
    with pytest.raises(ValueError, match="returns contain NaN"):
        simulate_returns(np.where(x > 0.02, np.nan, x), 10)
