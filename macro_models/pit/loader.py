"""The point-in-time loader over the gold marts (zipline-style ``load``).

``load(columns, start, end, as_of)`` never returns a row whose known_at is at or after the
cut-off of ``as_of`` (the next midnight in São Paulo for a date), raises a ValueError naming
the columns with nothing known, and says in ``frame.attrs`` how fresh each column is and which
are stale. Column names and the tables behind them: macro_models.pit.columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, bindparam, text

from macro_models.pit.asof import FUND_TZ, as_of_cutoff
from macro_models.pit.columns import FAMILIES, Family, split_column


def _query(family: Family):
    where = [
        f"{family.id_sql} in :ids",
        f"{family.date_column} between :start and :end",
        "known_at < :cutoff",
    ]
    if family.by_calendar:
        where.append("calendar_code = :calendar")
    distinct = f"distinct on ({family.id_sql}, {family.date_column})" if family.vintaged else ""
    order = (
        f"order by {family.id_sql}, {family.date_column}, known_at desc" if family.vintaged else ""
    )
    sql = f"""
        select {distinct}
               {family.id_sql} as id, {family.date_column} as date,
               {family.value_column} as value, known_at
        from {family.table}
        where {" and ".join(where)}
        {order}
    """
    return text(sql).bindparams(bindparam("ids", expanding=True))


class PointInTimeLoader:
    """Gold values as they were known at ``as_of``.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The platform database (gold built by dbt).
    calendar : {"B3", "NYSE"}
        Session calendar of the per-calendar families (``market:``, ``panel:``).
    """

    def __init__(self, engine: Engine, calendar: str = "B3") -> None:
        self.engine = engine
        self.calendar = calendar

    def load(
        self,
        columns: Sequence[str],
        start: date,
        end: date,
        as_of: date | datetime,
    ) -> pd.DataFrame:
        """A frame indexed by date (DatetimeIndex ``date``) with one column per requested name.

        ``frame.attrs["known_at"]`` maps each column to the newest known_at it used,
        ``frame.attrs["last_date"]`` to its newest date and ``frame.attrs["stale"]`` lists the
        columns whose newest value is older than their staleness limit at ``as_of``.

        Raises
        ------
        ValueError
            If a column name is malformed, or nothing is known at ``as_of`` for some columns in
            [start, end] (all such columns are named).
        """
        cutoff = as_of_cutoff(as_of)
        by_family: dict[str, list[str]] = {}
        for column in columns:
            family, ident = split_column(column)
            by_family.setdefault(family, []).append(ident)
        frames = []
        with self.engine.connect() as conn:
            for family, ids in by_family.items():
                spec = FAMILIES[family]
                params = {"ids": ids, "start": start, "end": end, "cutoff": cutoff}
                if spec.by_calendar:
                    params["calendar"] = self.calendar
                part = pd.read_sql(_query(spec), conn, params=params)
                part["column"] = [f"{family}:{i}" if family else i for i in part["id"]]
                frames.append(part)
            limits = self._limits(conn, by_family.get("", []))
        long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        present = set(long["column"]) if not long.empty else set()
        missing = sorted(set(columns) - present)
        if missing:
            raise ValueError(
                f"no data known at {cutoff.isoformat()} for {', '.join(missing)} "
                f"between {start} and {end}"
            )
        long["value"] = long["value"].astype(float)
        wide = long.pivot(index="date", columns="column", values="value")
        wide.index = pd.DatetimeIndex(wide.index, name="date")
        wide = wide[list(columns)]
        wide.columns.name = None
        newest = long.groupby("column").agg(last_date=("date", "max"), known_at=("known_at", "max"))
        as_of_day = cutoff.astimezone(FUND_TZ).date() if isinstance(as_of, datetime) else as_of
        wide.attrs["known_at"] = newest["known_at"].to_dict()
        wide.attrs["last_date"] = newest["last_date"].to_dict()
        wide.attrs["stale"] = [
            c
            for c in columns
            if (as_of_day - newest.at[c, "last_date"]).days
            > limits.get(c, FAMILIES[split_column(c)[0]].staleness_days)
        ]
        return wide

    @staticmethod
    def _limits(conn, series_ids: list[str]) -> dict[str, int]:
        """Staleness limits of series, from the catalog, counted like the panel's (period end)."""
        if not series_ids:
            return {}
        rows = conn.execute(
            text(
                "select series_id, frequency, staleness_limit_days from gold.dim_series "
                "where series_id in :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": series_ids},
        ).all()
        # A monthly value is dated the 1st but covers the month: allow the month on top.
        extra = {"monthly": 31, "quarterly": 92, "annual": 366}
        return {r.series_id: r.staleness_limit_days + extra.get(r.frequency, 0) for r in rows}

    def known_at(self, columns: Sequence[str], as_of: date | datetime) -> pd.Series:
        """The newest known_at per series before the cutoff: how fresh each input is."""
        q = text(
            "select series_id, max(known_at) as known_at from gold.fct_observations "
            "where series_id in :ids and known_at < :cutoff group by series_id"
        ).bindparams(bindparam("ids", expanding=True))
        with self.engine.connect() as conn:
            rows = conn.execute(q, {"ids": list(columns), "cutoff": as_of_cutoff(as_of)}).all()
        return pd.Series({r.series_id: r.known_at for r in rows}, name="known_at")
