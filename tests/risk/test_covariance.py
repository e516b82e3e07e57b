"""Ledoit-Wolf shrinkage against scikit-learn's implementation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.covariance import ledoit_wolf as sklearn_ledoit_wolf

from macro_models.risk.covariance import ledoit_wolf, scaled_ledoit_wolf


@pytest.mark.parametrize(
    ("t", "n", "seed"),
    [(60, 5, 0), (250, 40, 1), (10, 30, 2), (3, 2, 3), (40, 1, 4), (500, 8, 5)],
    ids=["60x5", "250x40", "n_gt_t", "tiny", "one_asset", "500x8"],
)
def test_equals_sklearn(t: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_t(4, (t, n)) @ rng.normal(size=(n, n)) * 0.01 + 0.001
    cov, shrinkage = ledoit_wolf(x)
    expected_cov, expected_shrinkage = sklearn_ledoit_wolf(x)
    # Relative 1e-10 of the largest entry: the two differ only in summation order.
    assert_allclose(cov, expected_cov, rtol=0, atol=1e-10 * np.abs(expected_cov).max())
    assert_allclose(shrinkage, expected_shrinkage, rtol=1e-10, atol=1e-14)
    if n > 1:
        assert 0.0 < shrinkage <= 1.0


def test_dataframe_drops_incomplete_rows() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(30, 3))
    frame = pd.DataFrame(x, columns=["DI1", "IND", "USDBRL"])
    frame.iloc[[2, 11], 1] = np.nan
    frame.iloc[20, 0] = np.nan
    complete = np.delete(x, [2, 11, 20], axis=0)
    assert_allclose(ledoit_wolf(frame)[0], sklearn_ledoit_wolf(complete)[0], rtol=1e-12)
    # Arrays with NaN rows are treated the same way.
    assert_allclose(ledoit_wolf(frame.to_numpy())[0], ledoit_wolf(frame)[0], rtol=0)


def test_too_few_complete_rows() -> None:
    x = np.array([[0.01, np.nan], [0.02, 0.01], [np.nan, 0.0]])
    with pytest.raises(ValueError, match="at least 2 complete rows, got 1"):
        ledoit_wolf(x)
    with pytest.raises(ValueError, match="must be 2-D"):
        ledoit_wolf(np.ones(5))


def test_scaled_version_shrinks_only_correlations_and_keeps_each_variance() -> None:
    rng = np.random.default_rng(7)
    vols = np.array([0.0005, 0.01, 0.012, 0.004])  # DI1 1y beside FX, equity and ZN
    corr = np.array(
        [[1, 0.3, -0.2, 0.1], [0.3, 1, -0.5, 0.2], [-0.2, -0.5, 1, 0], [0.1, 0.2, 0, 1]]
    )
    x = rng.multivariate_normal(np.zeros(4), corr * np.outer(vols, vols), size=300)
    cov, shrinkage = scaled_ledoit_wolf(x)
    sd = x.std(axis=0)
    expected_corr, expected_shrinkage = sklearn_ledoit_wolf(x / sd)
    assert_allclose(cov, expected_corr * np.outer(sd, sd), rtol=1e-10)
    assert_allclose(shrinkage, expected_shrinkage, rtol=1e-10)
    assert_allclose(np.diag(cov), sd**2, rtol=1e-10)
    # Plain shrinkage towards the mean variance inflates the quiet instrument's variance.
    assert ledoit_wolf(x)[0][0, 0] > 2 * cov[0, 0]
