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
from sqlalchemy import Connection, Engine, bindparam, text

from macro_models.pit.asof import FUND_TZ, as_of_cutoff
from macro_models.pit.columns import FAMILIES, Family, split_column


def _query(family: Family, all_vintages: bool = False):
    """Rows of ``family`` known before the cut-off; the newest vintage per date unless
    ``all_vintages`` (then every vintage, for PointInTimeHistory to resolve per as-of)."""
    where = [
        f"{family.id_sql} in :ids",
        f"{family.date_column} between :start and :end",
        "known_at < :cutoff",
    ]
    if family.by_calendar:
        where.append("calendar_code = :calendar")
    newest = family.vintaged and not all_vintages
    distinct = f"distinct on ({family.id_sql}, {family.date_column})" if newest else ""
    order = f"order by {family.id_sql}, {family.date_column}, known_at desc" if newest else ""
    sql = f"""
        select {distinct}
               {family.id_sql} as id, {family.date_column} as date,
               {family.value_column} as value, known_at
        from {family.table}
        where {" and ".join(where)}
        {order}
    """
    return text(sql).bindparams(bindparam("ids", expanding=True))


def by_family(columns: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for column in columns:
        family, ident = split_column(column)
        out.setdefault(family, []).append(ident)
    return out


def fetch_long(
    conn: Connection,
    columns: Sequence[str],
    start: date,
    end: date,
    cutoff: datetime,
    calendar: str,
    all_vintages: bool = False,
) -> pd.DataFrame:
    """Long frame (column, date, value, known_at) of ``columns`` known before ``cutoff``."""
    frames = []
    for family, ids in by_family(columns).items():
        spec = FAMILIES[family]
        params = {"ids": ids, "start": start, "end": end, "cutoff": cutoff}
        if spec.by_calendar:
            params["calendar"] = calendar
        part = pd.read_sql(_query(spec, all_vintages), conn, params=params)
        part["column"] = [f"{family}:{i}" if family else i for i in part["id"]]
        frames.append(part.drop(columns="id"))
    if not frames:
        return pd.DataFrame(columns=["date", "value", "known_at", "column"])
    return pd.concat(frames, ignore_index=True)


def staleness_limits(conn: Connection, columns: Sequence[str]) -> dict[str, int]:
    """Staleness limits of series, from the catalog, counted like the panel's (period end)."""
    series_ids = by_family(columns).get("", [])
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


def assemble(
    long: pd.DataFrame,
    columns: Sequence[str],
    start: date,
    end: date,
    as_of: date | datetime,
    limits: dict[str, int],
) -> pd.DataFrame:
    """The loader's wide frame from one value per (column, date), with its attrs."""
    cutoff = as_of_cutoff(as_of)
    present = set(long["column"]) if not long.empty else set()
    missing = sorted(set(columns) - present)
    if missing:
        raise ValueError(
            f"no data known at {cutoff.isoformat()} for {', '.join(missing)} "
            f"between {start} and {end}"
        )
    long = long.assign(value=long["value"].astype(float))
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
        with self.engine.connect() as conn:
            long = fetch_long(conn, columns, start, end, cutoff, self.calendar)
            limits = staleness_limits(conn, columns)
        return assemble(long, columns, start, end, as_of, limits)

    def known_at(self, columns: Sequence[str], as_of: date | datetime) -> pd.Series:
        """The newest known_at per series before the cutoff: how fresh each input is."""
        q = text(
            "select series_id, max(known_at) as known_at from gold.fct_observations "
            "where series_id in :ids and known_at < :cutoff group by series_id"
        ).bindparams(bindparam("ids", expanding=True))
        with self.engine.connect() as conn:
            rows = conn.execute(q, {"ids": list(columns), "cutoff": as_of_cutoff(as_of)}).all()
        return pd.Series({r.series_id: r.known_at for r in rows}, name="known_at")
