"""Point-in-time history in memory: the loader's answers for many as-of dates from one query.

A backtest asks the same columns for hundreds of as-of dates. ``PointInTimeHistory`` reads every
vintage of those columns once (everything known before the end of the last as-of date) and
answers ``load(columns, start, end, as_of)`` exactly as ``PointInTimeLoader`` would, by
resolving, per (column, date), the newest vintage known before the cut-off of ``as_of``. The
equivalence is tested against the database loader.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from macro_models.pit.asof import as_of_cutoff
from macro_models.pit.loader import assemble, fetch_long, staleness_limits


class PointInTimeHistory:
    """Every vintage of ``columns`` in [start, end] known before the cut-off of ``until``.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The platform database (gold built by dbt).
    columns : sequence of str
        Loader column names (macro_models.pit.columns) this history can answer for.
    start, end : date
        Observation dates held.
    until : date
        The newest as-of date that will be asked; nothing known after its cut-off is read.
    calendar : {"B3", "NYSE"}
        Session calendar of the per-calendar families.
    """

    def __init__(
        self,
        engine: Engine,
        columns: Sequence[str],
        start: date,
        end: date,
        until: date,
        calendar: str = "B3",
    ) -> None:
        self.columns = tuple(dict.fromkeys(columns))
        self.start, self.end, self.until = start, end, until
        cutoff = as_of_cutoff(until)
        with engine.connect() as conn:
            long = fetch_long(conn, self.columns, start, end, cutoff, calendar, all_vintages=True)
            self._limits = staleness_limits(conn, self.columns)
        long["known_at"] = pd.to_datetime(long["known_at"], utc=True)
        # Sorted by column, date, known_at: the newest vintage known at a cut-off is the last
        # row of its (column, date) group among those known before it.
        self._long = long.sort_values(["column", "date", "known_at"], ignore_index=True)
        self._known_ns = self._long["known_at"].to_numpy(dtype="datetime64[ns]").view("int64")
        self._days = pd.to_datetime(self._long["date"]).to_numpy(dtype="datetime64[D]")
        self._columns = self._long["column"].to_numpy()
        self._last_in_group = ~self._long.duplicated(["column", "date"], keep="last").to_numpy()
        self._single_vintage = bool((~self._long.duplicated(["column", "date"], keep=False)).all())

    def load(
        self,
        columns: Sequence[str],
        start: date,
        end: date,
        as_of: date | datetime,
    ) -> pd.DataFrame:
        """The same frame as ``PointInTimeLoader.load`` with the same arguments.

        Raises
        ------
        ValueError
            If a column was not read into this history, the window falls outside it, or
            ``as_of`` is after ``until``; or, like the loader, if nothing is known at ``as_of``
            for some columns.
        """
        unknown = sorted(set(columns) - set(self.columns))
        if unknown:
            raise ValueError(f"columns not held by this history: {', '.join(unknown)}")
        as_of_day = as_of.date() if isinstance(as_of, datetime) else as_of
        if as_of_day > self.until:
            raise ValueError(f"as_of {as_of} is after this history's horizon {self.until}")
        if start < self.start or end > self.end:
            raise ValueError(
                f"window {start}..{end} outside this history's {self.start}..{self.end}"
            )
        cutoff = pd.Timestamp(as_of_cutoff(as_of)).value
        long = self._long
        mask = (
            (self._known_ns < cutoff)
            & (self._days >= np.datetime64(start, "D"))
            & (self._days <= np.datetime64(end, "D"))
            & np.isin(self._columns, list(columns))
        )
        if self._single_vintage:
            rows = long.loc[mask]
        else:
            rows = long.loc[mask].drop_duplicates(["column", "date"], keep="last")
        return assemble(rows, columns, start, end, as_of, self._limits)

    @property
    def n_vintages(self) -> int:
        return int(len(self._long))

    @property
    def n_revised(self) -> int:
        """(column, date) pairs with more than one vintage."""
        return int(np.count_nonzero(~self._last_in_group))
