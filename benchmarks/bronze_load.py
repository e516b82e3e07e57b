"""Bronze load throughput: the COPY vintage upsert against pandas.DataFrame.to_sql, same rows.

Prints rows/s for both and the ratio. Runs on the embedded database (database macro_bench).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MACRO_DB_NAME", "macro_bench")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sqlalchemy import text  # noqa: E402

from macro_models.db.engine import get_engine  # noqa: E402
from macro_models.db.migrate import migrate  # noqa: E402
from macro_models.db.upsert import copy_upsert_vintages  # noqa: E402

N_SERIES, N_DAYS = 40, 5_000  # 200,000 rows: 40 daily series over ~20 years


def rows() -> list[tuple]:
    rng = np.random.default_rng(0)
    start = date(2005, 1, 3)
    known = datetime(2005, 1, 3, tzinfo=UTC)
    values = np.round(rng.normal(10, 2, (N_SERIES, N_DAYS)), 6)
    return [
        (
            str(1000 + s),
            start + timedelta(days=d),
            Decimal(str(values[s, d])),
            known + timedelta(days=d),
            "bench",
        )
        for s in range(N_SERIES)
        for d in range(N_DAYS)
    ]


def main() -> None:
    engine = get_engine()
    migrate(engine.url.render_as_string(hide_password=False))
    data = rows()
    with engine.begin() as conn:
        conn.execute(text("delete from bronze.bcb_sgs__series where payload_sha256 = 'bench'"))
        conn.execute(text("drop table if exists public.bench_to_sql"))

    t0 = time.perf_counter()
    with engine.begin() as conn:
        added = copy_upsert_vintages(
            conn,
            "bronze.bcb_sgs__series",
            ("series_code", "observation_date"),
            ("value",),
            data,
            fetched_at=datetime.now(UTC),
        )
    copy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with engine.begin() as conn:
        again = copy_upsert_vintages(
            conn,
            "bronze.bcb_sgs__series",
            ("series_code", "observation_date"),
            ("value",),
            data,
            fetched_at=datetime.now(UTC),
        )
    reload_s = time.perf_counter() - t0

    frame = pd.DataFrame(
        data, columns=["series_code", "observation_date", "value", "known_at", "payload_sha256"]
    )
    frame["value"] = frame["value"].astype(float)
    t0 = time.perf_counter()
    frame.to_sql("bench_to_sql", engine, schema="public", index=False, chunksize=10_000)
    to_sql_s = time.perf_counter() - t0

    with engine.begin() as conn:
        conn.execute(text("delete from bronze.bcb_sgs__series where payload_sha256 = 'bench'"))
        conn.execute(text("drop table public.bench_to_sql"))
    n = len(data)

    def line(label: str, seconds: float, extra: str = "") -> None:
        print(f"{label:<34}{seconds:6.2f} s  {n / seconds:>10,.0f} rows/s  {extra}")

    print(f"rows: {n:,} ({N_SERIES} series x {N_DAYS} days)")
    line("COPY vintage upsert (first load):", copy_s, f"added {added:,}")
    line("COPY vintage upsert (same rows):", reload_s, f"added {again:,}")
    line("pandas to_sql (plain insert):", to_sql_s)
    print(f"ratio COPY upsert / to_sql throughput: {to_sql_s / copy_s:.1f}x")


if __name__ == "__main__":
    main()
