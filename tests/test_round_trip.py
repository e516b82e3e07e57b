"""DESIGN.md §4: tidy CSVs → `macro ingest --from-csv` → `macro dbt build` → `macro export`."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from macro_models.connectors import sample
from tests.conftest import SHARED_DATA, fresh_database

pytestmark = pytest.mark.slow
MACRO = str(Path(sys.executable).with_name("macro"))


def _macro(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MACRO_DB_NAME": db}
    return subprocess.run([MACRO, *args], env=env, capture_output=True, text=True)


def _read(text_: str) -> list[tuple[str, float]]:
    return [(r["date"], float(r["value"])) for r in csv.DictReader(io.StringIO(text_))]


# Daily and monthly, calendar-daily and business-day, several sources and release rules.
ROUND_TRIP = [
    "bcb_sgs__432", "bcb_sgs__433", "bcb_sgs__1", "bcb_sgs__13621",
    "fred__DGS10", "fred__CPIAUCSL", "yahoo__BVSP", "treasury__10Y",
]  # fmt: skip


def test_csv_round_trip_returns_the_input(pg, tmp_path) -> None:
    db = make_url(fresh_database(pg, f"{os.environ['MACRO_DB_NAME']}_roundtrip")).database
    payloads = sample.generate_sgs(sample.DEFAULT_START, sample.DEFAULT_START.replace(year=2016))
    expected = {}
    for i, series_id in enumerate(ROUND_TRIP):
        if series_id.startswith("bcb_sgs__"):
            rows = payloads[series_id.removeprefix("bcb_sgs__")]
            lines = [
                (datetime.strptime(r["data"], "%d/%m/%Y").date().isoformat(), r["valor"])
                for r in rows
            ]
        else:  # any tidy values: the loader must not care where they came from
            days = [d.isoformat() for d in sorted({date(2015, 1, 2) + timedelta(days=k)
                                                   for k in range(0, 400, 3)})]  # fmt: skip
            # Plausible levels, though: gold's data tests check yields lie in [-5, 100] %.
            lines = [(d, f"{2 + i * 0.1 + k * 0.01:.2f}") for k, d in enumerate(days)]
        body = "date,value\n" + "".join(f"{d},{v}\n" for d, v in lines)
        (tmp_path / f"{series_id}.csv").write_text(body)
        expected[series_id] = [(d, float(v)) for d, v in lines]

    load = _macro(db, "ingest", "--from-csv", str(tmp_path))
    assert load.returncode == 0, load.stderr
    build = _macro(db, "dbt", "build", "--quiet")
    assert build.returncode == 0, build.stdout + build.stderr
    for series_id, rows in expected.items():
        exported = _macro(db, "export", "--series", series_id)
        assert exported.returncode == 0, exported.stderr
        assert _read(exported.stdout) == rows, series_id


def test_export_as_of_hides_later_releases(gold_url) -> None:
    db = make_url(gold_url).database
    proc = _macro(db, "export", "--series", "bcb_sgs__433", "--as-of", "2020-03-31")
    assert proc.returncode == 0, proc.stderr
    assert _read(proc.stdout)[-1][0] == "2020-02-01"


def test_export_unknown_series_fails_in_one_line(gold_url) -> None:
    proc = _macro(make_url(gold_url).database, "export", "--series", "nope__1")
    assert proc.returncode != 0
    assert proc.stderr.strip().startswith("error:") and "nope__1" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.realdata
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")
def test_real_shared_data_loads_with_matching_counts(pg) -> None:
    from macro_models.catalog import load_catalog

    db = make_url(fresh_database(pg, f"{os.environ['MACRO_DB_NAME']}_real")).database
    proc = _macro(db, "ingest", "--from-csv", str(SHARED_DATA))
    assert proc.returncode == 0, proc.stderr
    from macro_models.connectors.registry import LONG_CSV_LOADERS

    known = set(load_catalog()) | set(LONG_CSV_LOADERS)
    catalogued = [p for p in SHARED_DATA.glob("*__*.csv") if p.stem in known]
    assert catalogued, "expected some catalogued series in ../shared/data"
    assert {"anbima__tpf_indicative_rates", "b3__di1_settlement"} <= {p.stem for p in catalogued}
    for path in catalogued:
        n_rows = sum(1 for _ in path.open()) - 1
        assert f"{path.name}: {n_rows} rows, {n_rows} new" in proc.stdout, proc.stdout
    build = _macro(db, "dbt", "build", "--quiet")
    assert build.returncode == 0, build.stdout + build.stderr
    exported = _read(_macro(db, "export", "--series", "bcb_sgs__432").stdout)
    source = _read((SHARED_DATA / "bcb_sgs__432.csv").read_text())
    assert exported == source
