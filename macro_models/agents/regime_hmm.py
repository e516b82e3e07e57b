"""A Gaussian HMM of market regimes with a forward-only (filtered) posterior.

hmmlearn's ``predict_proba`` returns *smoothed* probabilities P(state_t | obs_1..T), which use
observations after t; a regime for date t must use only obs_1..t. So the model is fitted with
hmmlearn (Baum-Welch on data up to the as-of date only) and the probabilities come from our own
scaled forward recursion in log space, P(state_t | obs_1..t). The two coincide at t = T only.

Fitted states are named by their emission means (a stress score), not by hmmlearn's arbitrary
state order, so a refit on a longer sample keeps the names.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from hmmlearn.hmm import GaussianHMM

REGIME_NAMES = {
    2: ("risk_on", "risk_off"),
    3: ("risk_on", "neutral", "risk_off"),
}


class RegimeFitError(ValueError):
    """The HMM could not be fitted (too little data, degenerate features)."""


def _logsumexp(a: np.ndarray, axis: int | None = None) -> np.ndarray:
    # scipy's logsumexp costs ~50 µs a call; the recursion makes one per step and state.
    top = np.max(a, axis=axis, keepdims=True)
    out = top + np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis) if axis is not None else out.reshape(())


def forward_filter(
    log_startprob: np.ndarray, log_transmat: np.ndarray, log_emission: np.ndarray
) -> np.ndarray:
    """Filtered state probabilities P(state_t | obs_1..t) by the forward algorithm in log space.

    Parameters
    ----------
    log_startprob : ndarray, shape (K,)
        log P(state_1).
    log_transmat : ndarray, shape (K, K)
        log P(state_t = j | state_{t-1} = i) at [i, j].
    log_emission : ndarray, shape (T, K)
        log p(obs_t | state_t = k).

    Returns
    -------
    ndarray, shape (T, K)
        Row t sums to 1 and depends on rows 0..t of ``log_emission`` only.
    """
    n_obs, n_states = log_emission.shape
    out = np.empty((n_obs, n_states))
    log_alpha = log_startprob + log_emission[0]
    # Normalising at every step (the "scaled" forward pass) keeps alpha a probability vector.
    log_alpha -= _logsumexp(log_alpha)
    out[0] = log_alpha
    for t in range(1, n_obs):
        log_pred = _logsumexp(log_alpha[:, None] + log_transmat, axis=0)
        log_alpha = log_pred + log_emission[t]
        log_alpha -= _logsumexp(log_alpha)
        out[t] = log_alpha
    return np.exp(out)


def _stress_quantile_init(
    z: np.ndarray, w: np.ndarray, n_states: int
) -> tuple[np.ndarray, np.ndarray]:
    """Initial means and diagonal variances, each (K, F): rows sorted by stress score ``z @ w``
    (the first principal component if no weights), cut into ``n_states`` equal groups.
    Deterministic, and it starts the states in stress order."""
    score = z @ w if np.any(w) else z @ np.linalg.svd(z, full_matrices=False)[2][0]
    groups = np.array_split(np.argsort(score, kind="stable"), n_states)
    means = np.vstack([z[g].mean(axis=0) for g in groups])
    # Floor: a group with a constant feature would start EM on a zero variance.
    variances = np.vstack([z[g].var(axis=0) for g in groups]) + 1e-2
    return means, variances


class RegimeHMM:
    """Gaussian HMM (diagonal covariance) on standardised weekly features.

    Parameters
    ----------
    n_states : {2, 3}
        Number of regimes: risk_on / risk_off, or risk_on / neutral / risk_off.
    stress_weights : mapping of str to float
        Weight of each feature column in the stress score that orders the fitted states
        (e.g. +1 for VIX, −1 for equity returns); columns not named weigh 0.
    n_iter : int
        Maximum Baum-Welch iterations.
    tol : float
        Convergence threshold on the log-likelihood gain.
    min_obs : int
        Fewer rows than this and the fit is refused.
    random_state : int
        Passed to hmmlearn. The initial means and variances here are deterministic (stress
        quantiles, not k-means), so a refit on the same data gives the same model.
    """

    def __init__(
        self,
        n_states: int = 2,
        stress_weights: Mapping[str, float] | None = None,
        n_iter: int = 100,
        tol: float = 1e-3,
        min_obs: int = 52,
        random_state: int = 0,
    ) -> None:
        self.n_states = n_states
        self.stress_weights = stress_weights
        self.n_iter = n_iter
        self.tol = tol
        self.min_obs = min_obs
        self.random_state = random_state

    def _standardise(self, features: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.columns_ if c not in features.columns]
        if missing:
            raise ValueError(f"features lack fitted columns {missing}")
        x = features[self.columns_].to_numpy(dtype=float)
        if np.isnan(x).any():
            raise ValueError("features contain NaN")
        return (x - self.center_) / self.scale_

    def fit(self, features: pd.DataFrame) -> RegimeHMM:
        """Fit on ``features`` (T × F, rows in time order, no NaN), all known at the last date.

        Raises
        ------
        ValueError
            For bad parameters.
        RegimeFitError
            If there are fewer than ``min_obs`` rows or a feature is constant.
        """
        if self.n_states not in REGIME_NAMES:
            raise ValueError(f"n_states must be one of {sorted(REGIME_NAMES)}, got {self.n_states}")
        if self.n_iter < 1:
            raise ValueError(f"n_iter must be at least 1, got {self.n_iter}")
        if len(features) < max(self.min_obs, 2 * self.n_states):
            raise RegimeFitError(
                f"too little data to fit the HMM: {len(features)} rows < {self.min_obs}"
            )
        self.columns_ = list(features.columns)
        x = features.to_numpy(dtype=float)
        if np.isnan(x).any():
            raise ValueError("features contain NaN")
        self.center_ = x.mean(axis=0)
        self.scale_ = x.std(axis=0)
        flat = [c for c, s in zip(self.columns_, self.scale_, strict=True) if s < 1e-12]
        if flat:
            raise RegimeFitError(f"degenerate covariance: constant features {flat}")
        z = (x - self.center_) / self.scale_
        weights = self.stress_weights or {}
        w = np.array([weights.get(c, 0.0) for c in self.columns_])
        model = GaussianHMM(
            n_components=self.n_states,
            covariance_type="diag",
            n_iter=self.n_iter,
            tol=self.tol,
            random_state=self.random_state,
            init_params="st",  # hmmlearn's k-means init is slow and seed-dependent: ours below
        )
        model.means_, model.covars_ = _stress_quantile_init(z, w, self.n_states)
        try:
            model.fit(z)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise RegimeFitError(f"HMM fit failed: {exc}") from exc
        if not np.all(np.isfinite(model.means_)) or not np.all(np.isfinite(model.transmat_)):
            raise RegimeFitError("HMM fit produced non-finite parameters")
        self.model_ = model
        history = list(model.monitor_.history)
        # hmmlearn calls reaching n_iter "converged"; we ask for the log-likelihood to settle.
        self.converged_ = len(history) >= 2 and history[-1] - history[-2] < self.tol
        self.n_iter_ = len(history)
        self.stress_score_ = model.means_ @ w
        # State order by stress score: lowest is risk_on, highest risk_off.
        order = np.argsort(self.stress_score_, kind="stable")
        names = REGIME_NAMES[self.n_states]
        self.labels_ = {int(state): names[rank] for rank, state in enumerate(order)}
        self.means_ = pd.DataFrame(
            model.means_ * self.scale_ + self.center_,
            index=[self.labels_[k] for k in range(self.n_states)],
            columns=self.columns_,
        ).loc[list(names)]
        return self

    def log_emission(self, features: pd.DataFrame) -> np.ndarray:
        """log p(obs_t | state k), shape (T, K), in hmmlearn's state order."""
        return self.model_._compute_log_likelihood(self._standardise(features))

    def filter(self, features: pd.DataFrame) -> pd.DataFrame:
        """Filtered regime probabilities, T × K, columns named by regime, index of ``features``."""
        probs = forward_filter(
            np.log(self.model_.startprob_ + 1e-300),
            np.log(self.model_.transmat_ + 1e-300),
            self.log_emission(features),
        )
        return self._named(probs, features.index)

    def smoothed(self, features: pd.DataFrame) -> pd.DataFrame:
        """hmmlearn's smoothed posteriors (use for checks only: they look ahead)."""
        probs = self.model_.predict_proba(self._standardise(features))
        return self._named(probs, features.index)

    def _named(self, probs: np.ndarray, index: pd.Index) -> pd.DataFrame:
        columns = [self.labels_[k] for k in range(self.n_states)]
        return pd.DataFrame(probs, index=index, columns=columns)[list(REGIME_NAMES[self.n_states])]
