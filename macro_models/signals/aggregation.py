"""Three ways to combine strategy votes into one exposure per instrument.

Every aggregator takes the votes table of macro_models.signals.votes (one row per strategy and
instrument: exposure in [-1, 1], confidence in [0, 1], staleness_days) and returns a frame
indexed by instrument_id with ``exposure`` in [-1, 1], ``n_votes``, ``agreement`` (the share of
votes on the majority side), ``crowded`` and ``weight`` (the total weight behind it).

Two adjustments are common to all three:

- staleness discount: a vote's weight is multiplied by 0.5 ** (staleness_days / half_life), so a
  strategy fed by week-old data counts less than one fed by today's close;
- crowding penalty: when at least ``crowding_threshold`` of the votes (and at least
  ``min_crowd`` of them) share a side, the exposure is multiplied by (1 - crowding_penalty):
  agreement among strategies that share inputs is less information than it looks, and crowded
  trades unwind together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


class _Aggregator:
    def __init__(
        self,
        crowding_threshold: float = 0.8,
        crowding_penalty: float = 0.25,
        min_crowd: int = 4,
        staleness_half_life_days: float = 5.0,
    ) -> None:
        if not 0.5 < crowding_threshold <= 1:
            raise ValueError(f"crowding_threshold must be in (0.5, 1], got {crowding_threshold}")
        if not 0 <= crowding_penalty < 1:
            raise ValueError(f"crowding_penalty must be in [0, 1), got {crowding_penalty}")
        if staleness_half_life_days <= 0:
            raise ValueError("staleness_half_life_days must be positive")
        self.crowding_threshold = crowding_threshold
        self.crowding_penalty = crowding_penalty
        self.min_crowd = min_crowd
        self.staleness_half_life_days = staleness_half_life_days

    def _weights(self, votes: pd.DataFrame) -> pd.Series:
        decay = 0.5 ** (votes["staleness_days"].clip(lower=0) / self.staleness_half_life_days)
        return votes["confidence"] * decay

    def _combine(self, votes: pd.DataFrame, weighted: pd.DataFrame) -> pd.DataFrame:
        """``weighted`` holds, per instrument, ``exposure`` before crowding and ``weight``."""
        side = np.sign(votes["exposure"])
        counts = (
            pd.DataFrame({"instrument_id": votes["instrument_id"], "side": side})
            .query("side != 0")
            .groupby("instrument_id")["side"]
            .agg(n_votes="size", longs=lambda s: int((s > 0).sum()))
        )
        out = weighted.join(counts, how="left").fillna({"n_votes": 0, "longs": 0})
        majority = np.maximum(out["longs"], out["n_votes"] - out["longs"])
        out["agreement"] = np.where(out["n_votes"] > 0, majority / out["n_votes"].clip(lower=1), 0)
        out["crowded"] = (out["agreement"] >= self.crowding_threshold) & (
            out["n_votes"] >= self.min_crowd
        )
        out["exposure"] = (
            out["exposure"].where(~out["crowded"], out["exposure"] * (1 - self.crowding_penalty))
        ).clip(-1, 1)
        out["n_votes"] = out["n_votes"].astype(int)
        return out[["exposure", "n_votes", "agreement", "crowded", "weight"]]


class ConfidenceWeightedAggregator(_Aggregator):
    """Exposure = sum(w·x) / sum(w) with w = confidence × staleness discount."""

    def aggregate(self, votes: pd.DataFrame) -> pd.DataFrame:
        v = votes.assign(w=self._weights(votes))
        grouped = v.assign(wx=v["w"] * v["exposure"]).groupby("instrument_id")[["wx", "w"]].sum()
        weighted = pd.DataFrame(
            {
                "exposure": np.where(grouped["w"] > 0, grouped["wx"] / grouped["w"], 0.0),
                "weight": grouped["w"],
            },
            index=grouped.index,
        )
        return self._combine(votes, weighted)


class RankAggregator(_Aggregator):
    """Rank-based: each strategy's votes become signed ranks of |exposure| within its own set of
    instruments, scaled to (0, 1], so no strategy dominates by its scale; the weighted mean of
    signed ranks is the exposure. Robust to one strategy's outsized numbers."""

    def aggregate(self, votes: pd.DataFrame) -> pd.DataFrame:
        v = votes.assign(w=self._weights(votes))
        rank = v.groupby("strategy_id")["exposure"].transform(
            lambda x: x.abs().rank(method="average") / len(x)
        )
        v = v.assign(score=np.sign(v["exposure"]) * rank)
        grouped = v.assign(ws=v["w"] * v["score"]).groupby("instrument_id")[["ws", "w"]].sum()
        weighted = pd.DataFrame(
            {
                "exposure": np.where(grouped["w"] > 0, grouped["ws"] / grouped["w"], 0.0),
                "weight": grouped["w"],
            },
            index=grouped.index,
        )
        return self._combine(votes, weighted)


class BayesianAggregator(_Aggregator):
    """Normal-normal update per instrument, with the regime as the prior.

    Prior: exposure ~ N(m0, 1/tau0), m0 from ``regime_prior`` (e.g. risk-off: short IND, long
    USDBRL) or 0. Each vote is a noisy reading x_i ~ N(mu, 1/tau_i) with precision
    tau_i = vote_precision × w_i. Posterior mean = (tau0·m0 + sum tau_i·x_i) / (tau0 + sum tau_i).
    A confident, fresh consensus overrides the prior; weak or stale votes leave it standing.
    """

    def __init__(
        self,
        regime_prior: Mapping[str, float] | None = None,
        prior_precision: float = 1.0,
        vote_precision: float = 4.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if prior_precision <= 0 or vote_precision <= 0:
            raise ValueError("prior_precision and vote_precision must be positive")
        self.regime_prior = regime_prior
        self.prior_precision = prior_precision
        self.vote_precision = vote_precision

    def aggregate(self, votes: pd.DataFrame) -> pd.DataFrame:
        prior = dict(self.regime_prior or {})
        v = votes.assign(tau=self.vote_precision * self._weights(votes))
        grouped = (
            v.assign(tx=v["tau"] * v["exposure"]).groupby("instrument_id")[["tx", "tau"]].sum()
        )
        instruments = grouped.index.union(pd.Index(list(prior), name="instrument_id"))
        grouped = grouped.reindex(instruments, fill_value=0.0)
        m0 = pd.Series(prior, dtype=float).reindex(instruments, fill_value=0.0)
        posterior = (self.prior_precision * m0 + grouped["tx"]) / (
            self.prior_precision + grouped["tau"]
        )
        weighted = pd.DataFrame(
            {"exposure": posterior, "weight": grouped["tau"] / self.vote_precision},
            index=instruments,
        )
        weighted.index.name = "instrument_id"
        return self._combine(votes, weighted)
