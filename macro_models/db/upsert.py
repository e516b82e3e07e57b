"""Bulk vintage upsert: COPY into a temporary table, then insert only what is new or changed.

Bronze is append-only. For each natural key the newest vintage (by known_at) is compared with the
staged value: equal adds nothing; different (or absent) adds a row. A first vintage keeps the
catalog's release time, unless the payload was fetched earlier (then the fetch proves it was
public). A revision cannot be dated before we saw it, so it is known at max(release, fetch).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

_IDENT_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_.")


def _ident(name: str) -> str:
    if not name or set(name) - _IDENT_OK:
        raise ValueError(f"unsafe SQL identifier {name!r}")
    return name


def copy_upsert_vintages(
    conn: Connection,
    table: str,
    key_columns: Sequence[str],
    value_columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fetched_at: datetime,
) -> int:
    """Stage ``rows`` (key…, value…, known_at, payload_sha256) and add new vintages.

    Returns the number of rows added. Runs inside the caller's transaction.
    """
    table = _ident(table)
    keys = [_ident(c) for c in key_columns]
    values = [_ident(c) for c in value_columns]
    staged = [*keys, *values, "known_at", "payload_sha256"]
    cols = ", ".join(staged)
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    with dbapi.cursor() as cur:
        cur.execute(
            f"create temp table _stage on commit drop as select {cols} from {table} limit 0"
        )
        with cur.copy(f"copy _stage ({cols}) from stdin") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute(
            f"""
            create index on _stage ({", ".join(keys)});
            analyze _stage;
            """
        )
        dupes = cur.execute(
            f"select {', '.join(keys)} from _stage group by {', '.join(keys)} "
            "having count(*) > 1 limit 1"
        ).fetchone()
        if dupes:
            raise ValueError(f"{table}: key {dupes} staged twice in one load")
        join = " and ".join(f"b.{k} = s.{k}" for k in keys)
        changed = " or ".join(f"cur.{v} is distinct from s.{v}" for v in values)
        cur.execute(
            f"""
            insert into {table} ({cols})
            select {", ".join(f"s.{c}" for c in [*keys, *values])},
                   case when cur.known_at is null then least(s.known_at, %(fetched)s)
                        else greatest(s.known_at, %(fetched)s) end,
                   s.payload_sha256
            from _stage s
            left join lateral (
                select {", ".join(f"b.{v}" for v in values)}, b.known_at
                from {table} b where {join}
                order by b.known_at desc limit 1
            ) cur on true
            where cur.known_at is null or {changed}
            """,
            {"fetched": fetched_at},
        )
        added = cur.rowcount
        cur.execute("drop table _stage")
    return added
