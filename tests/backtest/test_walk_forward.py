"""Walk-forward selection on hand-built candidates; point-in-time choice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.backtest.metrics import sharpe_ratio
from macro_models.backtest.walk_forward import walk_forward

DATES = pd.bdate_range("2024-01-01", periods=10)
# "a" is the better variant on rows 0-3, "b" on rows 3-6.
CANDIDATES = pd.DataFrame(
    {
        "a": [0.01, 0.02, 0.01, 0.02, -0.01, -0.02, -0.01, 0.005, 0.006, 0.007],
        "b": [-0.01, -0.02, -0.01, 0.03, 0.02, 0.01, 0.02, 0.001, 0.002, 0.004],
    },
    index=DATES,
)


def test_rolling_folds_by_hand() -> None:
    res = walk_forward(CANDIDATES, train_days=4, test_days=3)
    f = res.folds
    assert list(f["chosen"]) == ["a", "b"]
    assert list(f["train_start"]) == [DATES[0], DATES[3]]
    assert list(f["train_end"]) == [DATES[3], DATES[6]]
    assert list(f["test_start"]) == [DATES[4], DATES[7]]
    assert list(f["test_end"]) == [DATES[6], DATES[9]]
    expected_oos = [-0.01, -0.02, -0.01, 0.001, 0.002, 0.004]
    assert_allclose(res.oos_returns.to_numpy(), expected_oos, rtol=0, atol=0)
    assert res.oos_returns.index.equals(DATES[4:])
    is0 = sharpe_ratio([0.01, 0.02, 0.01, 0.02])
    oos0 = sharpe_ratio([-0.01, -0.02, -0.01])
    assert_allclose(f.loc[0, "is_sharpe"], is0, rtol=1e-12)
    assert_allclose(f.loc[0, "oos_sharpe"], oos0, rtol=1e-12)
    assert_allclose(f.loc[0, "degradation"], oos0 / is0, rtol=1e-12)
    summary = res.is_vs_oos
    assert summary["n_folds"] == 2
    assert_allclose(
        summary["degradation"], f["oos_sharpe"].mean() / f["is_sharpe"].mean(), rtol=1e-12
    )
    assert_allclose(summary["oos_sharpe"], sharpe_ratio(expected_oos), rtol=1e-12)
    assert summary["share_oos_positive"] == 0.5


def test_anchored_train_windows_start_at_the_beginning() -> None:
    res = walk_forward(CANDIDATES, train_days=4, test_days=3, anchored=True)
    assert list(res.folds["train_start"]) == [DATES[0], DATES[0]]
    # Over rows 0-6, "a" has mean 0.02/7 and "b" 0.04/7: the score decides on the full window.
    a, b = CANDIDATES.iloc[:7]["a"], CANDIDATES.iloc[:7]["b"]
    best = "a" if sharpe_ratio(a) > sharpe_ratio(b) else "b"
    assert res.folds.loc[1, "chosen"] == best


def test_choice_uses_only_the_train_window() -> None:
    rng = np.random.default_rng(1)
    cands = pd.DataFrame(
        rng.normal(0.0, 0.01, size=(80, 4)),
        index=pd.bdate_range("2023-01-02", periods=80),
        columns=["w5", "w10", "w20", "w60"],
    )
    base = walk_forward(cands, train_days=20, test_days=10)
    assert len(base.folds) == 6
    for k, fold in base.folds.iterrows():
        future = cands.index > fold["train_end"]
        changed = cands.copy()
        changed.loc[future] = rng.normal(0.0, 0.05, size=(int(future.sum()), 4))
        # The chosen variant now loses every later day: a look-ahead would drop it.
        changed.loc[future, fold["chosen"]] = -0.03
        again = walk_forward(changed, train_days=20, test_days=10).folds.loc[k]
        assert again["chosen"] == fold["chosen"]
        assert again["is_sharpe"] == fold["is_sharpe"]


def test_overlapping_steps_stitch_each_date_once() -> None:
    res = walk_forward(CANDIDATES, train_days=4, test_days=4, step=2)
    assert list(res.folds["test_start"]) == [DATES[4], DATES[6], DATES[8]]
    assert res.oos_returns.index.equals(DATES[4:])


def test_custom_score_and_last_short_fold() -> None:
    cands = CANDIDATES.iloc[:9]
    res = walk_forward(cands, train_days=4, test_days=3, score=lambda r: float(np.mean(r)))
    # The second test window (rows 7-8) is cut to 2 rows by the end of the data.
    assert list(res.folds["test_end"]) == [DATES[6], DATES[8]]
    assert list(res.folds["chosen"]) == ["a", "b"]
    assert_allclose(res.folds.loc[1, "is_score"], 0.02, rtol=1e-12)  # mean of b on rows 3-6


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"candidates": CANDIDATES.iloc[:5]}, "need at least", id="too-short"),
        pytest.param({"train_days": 1}, "train_days must", id="train"),
        pytest.param({"test_days": 1}, "test_days must", id="test"),
        pytest.param({"step": 0}, "step must", id="step"),
        pytest.param({"candidates": CANDIDATES.where(CANDIDATES > 0.025)}, "NaN", id="nan-returns"),
        pytest.param(
            {"candidates": CANDIDATES.reset_index(drop=True)}, "DatetimeIndex", id="no-dates"
        ),
        pytest.param(
            {"candidates": CANDIDATES * 0.0}, "no candidate has a finite score", id="flat"
        ),
    ],
)
def test_bad_inputs_raise(kwargs: dict, match: str) -> None:
    args = {"candidates": CANDIDATES, "train_days": 4, "test_days": 3} | kwargs
    with pytest.raises(ValueError, match=match):
        walk_forward(**args)
