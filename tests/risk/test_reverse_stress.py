"""Reverse stress: the scenario hits the loss exactly and no other such scenario is closer."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from macro_models.risk.reverse_stress import (
    euclidean_reverse_stress,
    mahalanobis_reverse_stress,
)

W = np.array([5e6, -2e6, 3e6, 1e6])
A = np.random.default_rng(0).normal(size=(4, 4)) * 0.01
COV = A @ A.T + np.diag([1e-4, 4e-4, 2e-4, 1e-4])
LOSS = 1e6


def _on_hyperplane(x_star: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Random scenarios x with w . x = w . x_star (x_star plus moves orthogonal to w)."""
    v = np.random.default_rng(seed).normal(size=(n, W.size)) * 0.05
    return x_star + v - np.outer(v @ W, W) / (W @ W)


def test_mahalanobis_scenario() -> None:
    out = mahalanobis_reverse_stress(W, COV, LOSS)
    assert_allclose(W @ out.scenario, -LOSS, rtol=1e-12)
    sigma = np.sqrt(W @ COV @ W)
    assert_allclose(out.distance, LOSS / sigma, rtol=1e-12)
    inv = np.linalg.inv(COV)
    assert_allclose(np.sqrt(out.scenario @ inv @ out.scenario), out.distance, rtol=1e-9)
    assert_allclose(out.probability, stats.chi2.sf((LOSS / sigma) ** 2, 4), rtol=1e-12)
    others = _on_hyperplane(out.scenario, 20_000, seed=1)
    assert_allclose(others @ W, -LOSS, rtol=1e-9)
    norms = np.sqrt(np.einsum("ij,jk,ik->i", others, inv, others))
    assert norms.min() >= out.distance * (1 - 1e-12)


def test_euclidean_scenario() -> None:
    out = euclidean_reverse_stress(W, LOSS)
    assert_allclose(W @ out.scenario, -LOSS, rtol=1e-12)
    assert_allclose(out.distance, np.linalg.norm(out.scenario), rtol=1e-12)
    others = _on_hyperplane(out.scenario, 20_000, seed=2)
    assert np.linalg.norm(others, axis=1).min() >= out.distance * (1 - 1e-12)
    assert np.isnan(out.probability)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="loss must be > 0"):
        mahalanobis_reverse_stress(W, COV, -1.0)
    with pytest.raises(ValueError, match="w must be a non-zero"):
        euclidean_reverse_stress(np.zeros(3), 1.0)
