"""The point-in-time loader over gold.fct_observations (zipline-style ``load``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, bindparam, text

from macro_models.pit.asof import as_of_cutoff

_QUERY = text(
    """
    select distinct on (series_id, observation_date)
           series_id, observation_date, value, known_at
    from gold.fct_observations
    where series_id in :ids
      and observation_date between :start and :end
      and known_at < :cutoff
    order by series_id, observation_date, known_at desc
    """
).bindparams(bindparam("ids", expanding=True))


class PointInTimeLoader:
    """Series values as they were known at ``as_of``: the latest vintage with known_at before it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def load(
        self,
        columns: Sequence[str],
        start: date,
        end: date,
        as_of: date | datetime,
    ) -> pd.DataFrame:
        """A frame indexed by observation_date with one column per series id.

        Raises
        ------
        ValueError
            If a requested series has no observation known at ``as_of`` in [start, end].
        """
        cutoff = as_of_cutoff(as_of)
        with self.engine.connect() as conn:
            long = pd.read_sql(
                _QUERY,
                conn,
                params={"ids": list(columns), "start": start, "end": end, "cutoff": cutoff},
            )
        missing = sorted(set(columns) - set(long["series_id"]))
        if missing:
            raise ValueError(
                f"no data known at {cutoff.isoformat()} for {', '.join(missing)} "
                f"between {start} and {end}"
            )
        long["value"] = long["value"].astype(float)
        wide = long.pivot(index="observation_date", columns="series_id", values="value")
        wide.index = pd.DatetimeIndex(wide.index, name="observation_date")
        return wide[list(columns)]

    def known_at(self, columns: Sequence[str], as_of: date | datetime) -> pd.Series:
        """The newest known_at per series before the cutoff: how fresh each input is."""
        q = text(
            "select series_id, max(known_at) as known_at from gold.fct_observations "
            "where series_id in :ids and known_at < :cutoff group by series_id"
        ).bindparams(bindparam("ids", expanding=True))
        with self.engine.connect() as conn:
            rows = conn.execute(q, {"ids": list(columns), "cutoff": as_of_cutoff(as_of)}).all()
        return pd.Series({r.series_id: r.known_at for r in rows}, name="known_at")
