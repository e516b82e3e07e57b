"""Tidy CSV files (<source>__<code>.csv, header date,value): strict parsing and loading."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from macro_models.catalog import get_series
from macro_models.connectors.bcb_sgs import BcbSgsFetcher
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.ingest import ingest_csv_file
from macro_models.connectors.load import load_payload
from macro_models.connectors.tidy_csv import csv_payload, parse_tidy_csv, split_name
from tests.connectors.helpers import bronze, count, fixture_bytes, sgs_payload

GOOD = b"date,value\n2023-12-11,12.25\n2023-12-12,12.25\n2023-12-13,12.25\n2023-12-14,11.75\n"


def write(tmp_path, body: bytes, name: str = "bcb_sgs__432.csv"):
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_parse_good_file(tmp_path):
    parsed = parse_tidy_csv(csv_payload(write(tmp_path, GOOD)))
    assert parsed == [
        (date(2023, 12, 11), Decimal("12.25")),
        (date(2023, 12, 12), Decimal("12.25")),
        (date(2023, 12, 13), Decimal("12.25")),
        (date(2023, 12, 14), Decimal("11.75")),
    ]
    assert all(type(v) is Decimal for _, v in parsed)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"\xef\xbb\xbf" + GOOD, id="utf8-bom"),
        pytest.param(GOOD.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(GOOD.replace(b"date,value", b"Date , Value"), id="header-case-and-spaces"),
        pytest.param(GOOD + b"\n\n", id="trailing-blank-lines"),
    ],
)
def test_parse_tolerates_harmless_variants(tmp_path, body):
    assert len(parse_tidy_csv(csv_payload(write(tmp_path, body)))) == 4


def test_header_only_is_no_rows(tmp_path):
    assert parse_tidy_csv(csv_payload(write(tmp_path, b"date,value\n"))) == []


MALFORMED = [
    pytest.param(b"day,value\n2023-12-11,12.25\n", "header must be 'date,value'", id="bad-header"),
    pytest.param(b"2023-12-11,12.25\n", "header must be 'date,value'", id="no-header"),
    pytest.param(
        b"date,value\n11/12/2023,12.25\n",
        "line 2 date '11/12/2023' is not an ISO date",
        id="dmy-date",
    ),
    pytest.param(
        b"date,value\n2023-12-11,12.25\n2023-02-30,12.25\n",
        "line 3 date '2023-02-30' is not an ISO date",
        id="impossible-date",
    ),
    pytest.param(
        GOOD + b"2023-12-12,12.25\n", "line 6 repeats date 2023-12-12", id="repeated-date"
    ),
    pytest.param(
        b'date,value\n2023-12-11,"12,25"\n',
        "line 2 value '12,25' is not a dot-decimal number",
        id="comma-decimal",
    ),
    pytest.param(
        b"date,value\n2023-12-11,12.25\n2023-12-12,\n",
        "line 3 value '' is not a dot-decimal number",
        id="empty-value",
    ),
    pytest.param(
        b"date,value\n2023-12-11,-\n", "line 2 value '-' is not a dot-decimal number", id="dash"
    ),
    pytest.param(
        b"date,value\n2023-12-11,abc\n", "line 2 value 'abc' is not a number", id="non-numeric"
    ),
    pytest.param(
        b"date,value\n2023-12-11,Infinity\n", "line 2 value 'Infinity' is not finite", id="inf"
    ),
    pytest.param(
        b"date,value\n2023-12-11,12.25,x\n",
        "line 2 has 3 fields, expected 2",
        id="too-many-fields",
    ),
    pytest.param(b"date,value\n2023-12-11\n", "line 2 has 1 fields, expected 2", id="too-few"),
    pytest.param(b"", "empty file", id="empty-file"),
    pytest.param(b" \n\n", "empty file", id="blank-file"),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_parse_refuses(tmp_path, body, reason):
    with pytest.raises(PayloadError, match=rf"^bcb_sgs 432: {reason}.*request: bcb_sgs__432.csv"):
        parse_tidy_csv(csv_payload(write(tmp_path, body)))


def test_csv_payload_and_name():
    assert split_name(Path("x/bcb_sgs__432.csv")) == ("bcb_sgs", "432")
    with pytest.raises(ValueError, match="expected a name like <source>__<code>.csv"):
        split_name(Path("selic.csv"))


def test_ingest_csv_file_loads_with_catalog_known_at(clean_db, tmp_path):
    path = write(tmp_path, GOOD)

    result = ingest_csv_file(clean_db, path)

    assert (result.source, result.item, result.rows_seen, result.rows_added) == (
        "bcb_sgs",
        "432",
        4,
        4,
    )
    spec = get_series("bcb_sgs__432")
    loaded = bronze(clean_db, "432")
    assert [(r.observation_date, str(r.value)) for r in loaded] == [
        (date(2023, 12, 11), "12.25"),
        (date(2023, 12, 12), "12.25"),
        (date(2023, 12, 13), "12.25"),
        (date(2023, 12, 14), "11.75"),
    ]
    assert [r.known_at for r in loaded] == [spec.known_at(r.observation_date) for r in loaded]
    with clean_db.connect() as conn:
        archived = conn.execute(text("select request, content_type from bronze.raw_payloads")).one()
    assert archived.request == {"file": "bcb_sgs__432.csv"}
    assert archived.content_type == "text/csv"

    # Loaded again, or as the equivalent API payload: the same values add nothing.
    assert ingest_csv_file(clean_db, path).rows_added == 0
    sgs = sgs_payload("432", fixture_bytes("bcb_sgs__432_dec2023.json"))
    assert load_payload(clean_db, BcbSgsFetcher, sgs).rows_added == 3  # only 15..17 December
    assert count(clean_db, "bronze.bcb_sgs__series") == 7


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(GOOD + b"2023-12-15,11.75,extra\n", "line 6 has 3 fields", id="bad-last-line"),
        pytest.param(GOOD.replace(b"date,value", b"data,valor"), "header must be", id="header"),
        pytest.param(b"", "empty file", id="empty-file"),
    ],
)
def test_malformed_csv_writes_nothing(clean_db, tmp_path, body, reason):
    with pytest.raises(PayloadError, match=reason):
        ingest_csv_file(clean_db, write(tmp_path, body))
    assert count(clean_db, "bronze.bcb_sgs__series") == 0
    assert count(clean_db, "bronze.raw_payloads") == 1
    with clean_db.connect() as conn:
        rejection = conn.execute(text("select reason from bronze.payload_rejections")).scalar_one()
    assert reason in rejection


def test_csv_of_uncatalogued_series_writes_nothing(clean_db, tmp_path):
    with pytest.raises(PayloadError, match="unknown series 'bcb_sgs__99999'"):
        ingest_csv_file(clean_db, write(tmp_path, GOOD, "bcb_sgs__99999.csv"))
    assert count(clean_db, "bronze.bcb_sgs__series") == 0
