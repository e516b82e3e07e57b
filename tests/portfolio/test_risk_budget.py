import numpy as np
import pytest
from numpy.testing import assert_allclose

from macro_models.portfolio.risk_budget import risk_budget_weights, risk_contributions


def _cov(vols, corr):
    vols = np.asarray(vols, dtype=float)
    return np.asarray(corr, dtype=float) * np.outer(vols, vols)


def test_contributions_match_budgets_long_short():
    rng = np.random.default_rng(7)
    a = rng.normal(size=(6, 6))
    cov = a @ a.T / 6 + 0.1 * np.eye(6)
    budgets = np.array([0.1, 0.2, 0.3, 0.1, 0.2, 0.1])
    signs = np.array([1, -1, 1, -1, 1, 1])
    w = risk_budget_weights(cov, budgets, signs)
    assert_allclose(risk_contributions(w, cov), budgets, atol=1e-6)
    assert (np.sign(w) == signs).all()
    assert_allclose(np.abs(w).sum(), 1.0, rtol=1e-14)


def test_two_assets_uncorrelated_closed_form():
    # ρ = 0: w_i² σ_i² = b_i σ_p², so w_i ∝ √b_i / σ_i.
    vols = np.array([0.1, 0.25])
    budgets = np.array([0.3, 0.7])
    w = risk_budget_weights(_cov(vols, np.eye(2)), budgets, np.array([1, -1]))
    expected = np.array([1, -1]) * np.sqrt(budgets) / vols
    assert_allclose(w, expected / np.abs(expected).sum(), rtol=1e-10)


@pytest.mark.parametrize("rho", [-0.6, 0.0, 0.8])
@pytest.mark.parametrize("signs", [(1, 1), (1, -1)])
def test_two_assets_equal_budgets_inverse_vol(rho, signs):
    # Equal budgets on two assets: w ∝ 1/σ_i whatever the correlation.
    vols = np.array([0.05, 0.2])
    w = risk_budget_weights(_cov(vols, [[1, rho], [rho, 1]]), np.array([0.5, 0.5]), signs)
    expected = np.array(signs) / vols
    assert_allclose(w, expected / np.abs(expected).sum(), rtol=1e-10)


def test_zero_sign_gets_zero_weight_and_budgets_renormalise():
    cov = _cov([0.1, 0.2, 0.3], np.eye(3))
    w = risk_budget_weights(cov, np.array([0.25, 0.25, 0.5]), np.array([1, 0, -1]))
    assert w[1] == 0
    assert_allclose(risk_contributions(w, cov), [1 / 3, 0, 2 / 3], atol=1e-12)


def test_bad_budgets():
    with pytest.raises(ValueError, match="budgets must be finite and non-negative"):
        risk_budget_weights(np.eye(2), np.array([-0.1, 1.1]))
    with pytest.raises(ValueError, match=r"cov must be \(3, 3\)"):
        risk_budget_weights(np.eye(2), np.array([0.2, 0.3, 0.5]))
