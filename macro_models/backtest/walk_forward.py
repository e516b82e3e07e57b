"""Walk-forward selection among parameter variants, and how much of the in-sample edge survives.

Each fold picks the candidate with the best ``score`` on its train window only, then holds it
over the next ``test_days``. The out-of-sample track record is the concatenation of those
held-out windows, so every date's return comes from a choice made with earlier data alone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from macro_models.backtest.metrics import sharpe_ratio

FOLD_COLUMNS = [
    "train_start",
    "train_end",
    "test_start",
    "test_end",
    "chosen",
    "is_score",
    "is_sharpe",
    "oos_sharpe",
    "degradation",
]


@dataclass(frozen=True)
class WalkForwardResult:
    """Outcome of :func:`walk_forward`.

    Attributes
    ----------
    oos_returns : pandas.Series, shape (n_oos,)
        Daily excess returns of the chosen candidate on each fold's test window, stitched; where
        test windows overlap (``step < test_days``) each date comes from the latest fold.
    folds : pandas.DataFrame, shape (n_folds, 9)
        ``train_start, train_end, test_start, test_end`` (inclusive dates), ``chosen``
        (candidate id), ``is_score`` (the selection score), ``is_sharpe`` and ``oos_sharpe``
        (annualised Sharpe ratios of the chosen candidate on train and test) and ``degradation``
        (``oos_sharpe / is_sharpe``).
    is_vs_oos : dict
        ``n_folds``, ``mean_is_sharpe``, ``mean_oos_sharpe``, ``degradation`` (mean OOS over mean
        IS Sharpe: 1 means the in-sample edge held up, 0 that none of it did), ``oos_sharpe`` (of
        the stitched series) and ``share_oos_positive`` (folds with a positive OOS Sharpe).
    """

    oos_returns: pd.Series
    folds: pd.DataFrame
    is_vs_oos: dict[str, float]


def _validate(candidates: pd.DataFrame, train_days: int, test_days: int, step: int) -> None:
    if not isinstance(candidates, pd.DataFrame) or candidates.shape[1] == 0:
        raise ValueError("candidates must be a DataFrame with at least one column")
    if not isinstance(candidates.index, pd.DatetimeIndex):
        raise ValueError("candidates must be indexed by a DatetimeIndex")
    if not candidates.index.is_monotonic_increasing or candidates.index.has_duplicates:
        raise ValueError("candidates index must be strictly increasing")
    if candidates.isna().to_numpy().any():
        raise ValueError("candidates contains NaN returns; fill flat periods with 0")
    if train_days < 2:
        raise ValueError(f"train_days must be at least 2, got {train_days}")
    if test_days < 2:
        raise ValueError(f"test_days must be at least 2, got {test_days}")
    if step < 1:
        raise ValueError(f"step must be positive, got {step}")
    if len(candidates) < train_days + 2:
        raise ValueError(
            f"candidates has {len(candidates)} rows, need at least train_days + 2 = "
            f"{train_days + 2}"
        )


def _choose(train: pd.DataFrame, score: Callable[[NDArray], float]) -> tuple[Hashable, float]:
    """Best-scoring column of ``train``; ties go to the first column, NaN scores never win."""
    scores = pd.Series({c: score(train[c].to_numpy()) for c in train.columns}, dtype=float)
    if scores.isna().all():
        raise ValueError(
            f"no candidate has a finite score on the train window {train.index[0].date()} to "
            f"{train.index[-1].date()}"
        )
    chosen = scores.idxmax()
    return chosen, float(scores[chosen])


def _fold_starts(n: int, train_days: int, step: int) -> list[int]:
    # A fold needs at least 2 test days for an OOS Sharpe ratio.
    return list(range(train_days, n - 1, step))


def walk_forward(
    candidates: pd.DataFrame,
    train_days: int = 756,
    test_days: int = 252,
    step: int | None = None,
    score: Callable[[NDArray], float] = sharpe_ratio,
    anchored: bool = False,
) -> WalkForwardResult:
    """Select a candidate on each train window and hold it over the following test window.

    Parameters
    ----------
    candidates : pandas.DataFrame, shape (n_dates, n_candidates)
        Daily simple excess returns of each parameter variant (columns are candidate ids), on a
        sorted DatetimeIndex, without NaN.
    train_days : int
        Length of the train window in rows (756 = 3 years); with ``anchored`` the first one.
    test_days : int
        Length of each test window in rows; the last one may be shorter (but >= 2 rows).
    step : int, optional
        Rows between consecutive test starts; defaults to ``test_days`` (contiguous, disjoint
        test windows). A larger step leaves gaps in the out-of-sample series.
    score : callable
        Maps a train window's returns, shape (train_days,), to a number to maximise; annualised
        Sharpe ratio by default.
    anchored : bool
        If True every train window starts at the first date (expanding); otherwise it is the
        ``train_days`` rows just before the test window (rolling).

    Returns
    -------
    WalkForwardResult
    """
    step = test_days if step is None else step
    _validate(candidates, train_days, test_days, step)
    n = len(candidates)
    starts = _fold_starts(n, train_days, step)
    rows, pieces = [], []
    for k, t0 in enumerate(starts):
        train = candidates.iloc[(0 if anchored else t0 - train_days) : t0]
        test = candidates.iloc[t0 : min(t0 + test_days, n)]
        chosen, is_score = _choose(train, score)
        is_sharpe = sharpe_ratio(train[chosen].to_numpy())
        oos_sharpe = sharpe_ratio(test[chosen].to_numpy())
        next_start = starts[k + 1] if k + 1 < len(starts) else n
        pieces.append(test[chosen].iloc[: next_start - t0])
        rows.append(
            [
                train.index[0],
                train.index[-1],
                test.index[0],
                test.index[-1],
                chosen,
                is_score,
                is_sharpe,
                oos_sharpe,
                oos_sharpe / is_sharpe if is_sharpe != 0 else np.nan,
            ]
        )
    folds = pd.DataFrame(rows, columns=FOLD_COLUMNS)
    oos = pd.concat(pieces).rename("oos_returns")
    return WalkForwardResult(oos, folds, _is_vs_oos(folds, oos))


def _is_vs_oos(folds: pd.DataFrame, oos: pd.Series) -> dict[str, float]:
    mean_is = float(folds["is_sharpe"].mean())
    mean_oos = float(folds["oos_sharpe"].mean())
    return {
        "n_folds": float(len(folds)),
        "mean_is_sharpe": mean_is,
        "mean_oos_sharpe": mean_oos,
        "degradation": mean_oos / mean_is if mean_is != 0 else float("nan"),
        "oos_sharpe": sharpe_ratio(oos.to_numpy()),
        "share_oos_positive": float((folds["oos_sharpe"] > 0).mean()),
    }
