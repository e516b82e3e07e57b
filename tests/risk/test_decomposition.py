"""Euler decomposition: components add up, marginal VaR is the gradient, roll-ups by group."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.risk.decomposition import (
    aggregate_components,
    parametric_component_var,
    parametric_marginal_var,
    simulation_component_es,
    simulation_component_var,
)
from macro_models.risk.var import historical_es, historical_var, parametric_var

W = np.array([1e6, -5e5])
COV = np.array([[0.0004, 0.00006], [0.00006, 0.0001]])
Z99 = 2.3263478740408408


def test_parametric_components_two_asset_hand_example() -> None:
    # Sigma w = (400 - 30, 60 - 50) = (370, 10); sigma_p = sqrt(3.65e8).
    sigma = math.sqrt(3.65e8)
    expected = Z99 / sigma * np.array([1e6 * 370.0, -5e5 * 10.0])
    components = parametric_component_var(W, COV, 0.99)
    assert_allclose(components, expected, rtol=1e-10)
    assert_allclose(components.sum(), parametric_var(W, COV, 0.99), rtol=1e-12)


@pytest.mark.parametrize("with_mean", [False, True])
def test_marginal_var_is_the_finite_difference(with_mean: bool) -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4)) * 0.01
    cov = a @ a.T
    w = np.array([3e6, -1e6, 2e6, 5e5])
    mean = np.array([1e-4, -2e-4, 0.0, 3e-4]) if with_mean else None
    h = 1.0  # BRL 1 of notional on millions: central differences exact to ~1e-9
    bumps = np.eye(4) * h
    fd = np.array(
        [
            (parametric_var(w + b, cov, 0.99, mean) - parametric_var(w - b, cov, 0.99, mean))
            / (2 * h)
            for b in bumps
        ]
    )
    assert_allclose(parametric_marginal_var(w, cov, 0.99, mean), fd, rtol=1e-6)
    total = parametric_component_var(w, cov, 0.99, mean).sum()
    assert_allclose(total, parametric_var(w, cov, 0.99, mean), rtol=1e-12)


def test_simulation_es_components_sum_exactly() -> None:
    # Scenario P&Ls with w = (1, 2): -5, 1, -3, 3, -1. At 0.6, k = 2: tail = {-5, -3}.
    scenarios = np.array([[-1.0, -2.0], [3.0, -1.0], [1.0, -2.0], [1.0, 1.0], [-1.0, 0.0]])
    w = np.array([1.0, 2.0])
    components = simulation_component_es(w, scenarios, 0.6)
    assert_allclose(components, [0.0, 4.0], rtol=1e-15)  # -mean(-1, 1), -mean(-4, -4)
    assert_allclose(components.sum(), historical_es(scenarios @ w, 0.6), rtol=1e-15)


def test_simulation_var_components_sum_and_match_gaussian() -> None:
    rng = np.random.default_rng(1)
    scenarios = rng.multivariate_normal([0.0, 0.0], COV, size=200_000)
    components = simulation_component_var(W, scenarios, 0.99)
    var = historical_var(scenarios @ W, 0.99)
    assert_allclose(components.sum(), var, rtol=1e-12)
    # Under a Gaussian the kernel estimate tends to the parametric Euler components.
    assert_allclose(components, parametric_component_var(W, COV, 0.99), atol=0.03 * var)


def test_aggregate_components_by_group() -> None:
    components = pd.Series({"di1_pay": 40.0, "ntnb": 25.0, "usdbrl": 30.0, "ind": -5.0})
    strategy = pd.Series(
        {"di1_pay": "rates", "ntnb": "inflation", "usdbrl": "fx", "ind": "rates", "x": "fx"}
    )
    out = aggregate_components(components, strategy)
    pd.testing.assert_series_equal(out, pd.Series({"fx": 30.0, "inflation": 25.0, "rates": 35.0}))
    assert out.sum() == components.sum()
    with pytest.raises(ValueError, match=r"positions without a group: \['ind'\]"):
        aggregate_components(components, strategy.drop("ind"))


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="portfolio variance is zero"):
        parametric_marginal_var(np.zeros(2), COV, 0.99)
    with pytest.raises(ValueError, match=r"scenarios must have shape \(S, 2\)"):
        simulation_component_es(W, np.ones((5, 3)), 0.99)
    with pytest.raises(ValueError, match="bandwidth must be > 0, got -1"):
        simulation_component_var(W, np.ones((5, 2)), 0.9, bandwidth=-1.0)
