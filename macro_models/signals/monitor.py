"""Watch the aggregated book from one day to the next: flips, conviction surges, divergence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

AlertKind = Literal["flip", "conviction_surge", "divergence"]


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    instrument_id: str
    previous: float
    current: float
    detail: str


class SignalMonitor:
    """Parameters
    ----------
    flip_threshold : float
        A sign change counts as a flip only when both exposures are at least this large (so
        noise around zero is not a flip).
    surge_threshold : float
        Increase of |exposure| in one step that counts as a conviction surge.
    divergence_threshold : float
        Standard deviation of the strategies' exposures on one instrument, with votes on both
        sides, that counts as divergence.
    """

    def __init__(
        self,
        flip_threshold: float = 0.1,
        surge_threshold: float = 0.3,
        divergence_threshold: float = 0.5,
    ) -> None:
        for name, value in (
            ("flip_threshold", flip_threshold),
            ("surge_threshold", surge_threshold),
            ("divergence_threshold", divergence_threshold),
        ):
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {value}")
        self.flip_threshold = flip_threshold
        self.surge_threshold = surge_threshold
        self.divergence_threshold = divergence_threshold

    def check(
        self,
        previous: pd.DataFrame | None,
        current: pd.DataFrame,
        votes: pd.DataFrame,
    ) -> list[Alert]:
        """``previous`` and ``current`` are aggregator outputs (index instrument_id, column
        exposure); ``votes`` the current votes table. Alerts come sorted by kind, instrument."""
        alerts: list[Alert] = []
        prev = (previous["exposure"] if previous is not None else pd.Series(dtype=float)).reindex(
            current.index, fill_value=0.0
        )
        cur = current["exposure"]
        for instrument in current.index:
            p, c = float(prev[instrument]), float(cur[instrument])
            if np.sign(p) * np.sign(c) < 0 and min(abs(p), abs(c)) >= self.flip_threshold:
                alerts.append(Alert("flip", instrument, p, c, f"{p:+.2f} -> {c:+.2f}"))
            elif abs(c) - abs(p) >= self.surge_threshold and np.sign(p) * np.sign(c) >= 0:
                alerts.append(
                    Alert(
                        "conviction_surge", instrument, p, c, f"|exposure| +{abs(c) - abs(p):.2f}"
                    )
                )
        for instrument, group in votes.groupby("instrument_id"):
            x = group["exposure"]
            if len(x) >= 2 and (x > 0).any() and (x < 0).any():
                spread = float(x.std(ddof=0))
                if spread >= self.divergence_threshold:
                    c = float(cur.get(instrument, 0.0))
                    longs = ", ".join(sorted(group.loc[x > 0, "strategy_id"]))
                    shorts = ", ".join(sorted(group.loc[x < 0, "strategy_id"]))
                    alerts.append(
                        Alert(
                            "divergence",
                            str(instrument),
                            float(prev.get(instrument, 0.0)),
                            c,
                            f"std {spread:.2f}: long {longs}; short {shorts}",
                        )
                    )
        return sorted(alerts, key=lambda a: (a.kind, a.instrument_id))
