"""US Treasury par yield curve: saved CSVs, malformed bodies, vintages, real HTTP, replay.

The module's functions are called directly (it is not in the registry yet).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from sqlalchemy import text

from macro_models.catalog import series as catalog
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_treasury import treasury_files
from macro_models.connectors.tidy_csv import csv_payload, parse_tidy_csv
from macro_models.connectors.treasury import (
    BY_CODE,
    CURVE_PATH,
    TreasuryFetcher,
    TreasuryQuery,
    csv_record,
    replay,
    required_labels,
)
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "treasury"
TABLE = "bronze.treasury__par_yields"
FETCHED = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)  # long after every curve in the fixtures
URL = "https://home.treasury.gov" + CURVE_PATH


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _payload(body: bytes, year: int = 2024, fetched: datetime = FETCHED) -> RawPayload:
    params = {
        "type": "daily_treasury_yield_curve",
        "field_tdr_date_value": str(year),
        "page": "",
        "_format": "csv",
    }
    return RawPayload(
        source="treasury",
        item=str(year),
        request={"url": f"{URL}/{year}/all", "params": params},
        body=body,
        content_type="text/csv",
        fetched_at=fetched,
    )


@pytest.fixture
def db(clean_db):
    with clean_db.begin() as conn:
        conn.execute(text(f"truncate {TABLE}"))
    return clean_db


@pytest.fixture
def pending_catalog():
    """The catalog with this source's rows (merged into series_catalog.csv)."""
    catalog.load_catalog.cache_clear()
    yield
    catalog.load_catalog.cache_clear()


def _rows(engine) -> list:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    f"select curve_date, tenor, tenor_months, yield_pct, known_at, payload_sha256 "
                    f"from {TABLE} order by curve_date, tenor_months, known_at"
                )
            )
        )


# --- transform on saved payloads ------------------------------------------------------------


def test_transform_reads_tenors_by_name() -> None:
    recs = TreasuryFetcher.transform_data(_payload(_fixture("par_yields_2024_jan.csv")))
    assert len(recs) == 5 * 13
    by_key = {(r.curve_date, r.tenor): r for r in recs}
    ten = by_key[(date(2024, 1, 2), "10 Yr")]
    assert (ten.yield_pct, ten.tenor_months, ten.code) == (Decimal("3.95"), Decimal(120), "10Y")
    assert by_key[(date(2024, 1, 8), "4 Mo")].yield_pct == Decimal("5.40")
    assert {r.curve_date for r in recs} == {date(2024, 1, d) for d in (2, 3, 4, 5, 8)}


def test_blank_cells_before_a_tenor_existed_are_skipped() -> None:
    recs = TreasuryFetcher.transform_data(_payload(_fixture("par_yields_2018_oct.csv"), 2018))
    two_month = sorted(r.curve_date for r in recs if r.tenor == "2 Mo")
    assert two_month == [date(2018, 10, 16), date(2018, 10, 17)]
    assert len(recs) == 4 * 12 - 2


def test_old_years_have_fewer_columns() -> None:
    recs = TreasuryFetcher.transform_data(_payload(_fixture("par_yields_2014_jan.csv"), 2014))
    assert len(recs) == 2 * 11
    assert {r.tenor for r in recs}.isdisjoint({"2 Mo", "4 Mo", "1.5 Month"})


def test_required_columns_follow_the_tenor_history() -> None:
    assert "30 Yr" not in required_labels(2003) and "1 Mo" in required_labels(2003)
    assert "2 Mo" not in required_labels(2018) and "2 Mo" in required_labels(2019)
    assert len(required_labels(2024)) == 13 and len(required_labels(2026)) == 14
    assert required_labels(1990)[0] == "3 Mo"


def test_query_splits_by_year_and_refuses_bad_input() -> None:
    q = TreasuryFetcher.transform_query(
        {"code": "10Y", "start": date(2022, 12, 20), "end": date(2024, 1, 5)}
    )
    assert q.years() == [2022, 2023, 2024]
    with pytest.raises(ValueError, match="unknown Treasury tenor code"):
        TreasuryQuery(code="DGS10", start=date(2024, 1, 1), end=date(2024, 1, 2))
    with pytest.raises(ValueError, match="after end"):
        TreasuryQuery(start=date(2024, 2, 1), end=date(2024, 1, 1))
    with pytest.raises(ValueError, match="starts in 1990"):
        TreasuryQuery(start=date(1980, 1, 1), end=date(1985, 1, 1))


def test_known_at_is_18h_new_york_and_matches_the_catalog(pending_catalog) -> None:
    winter = csv_record("10Y", date(2024, 1, 2), Decimal("3.95"))
    summer = csv_record("10Y", date(2024, 7, 2), Decimal("4.43"))
    assert TreasuryFetcher.record_known_at(winter) == datetime(2024, 1, 2, 23, 0, tzinfo=UTC)
    assert TreasuryFetcher.record_known_at(summer) == datetime(2024, 7, 2, 22, 0, tzinfo=UTC)
    codes = [s.code for s in catalog.series_for_source("treasury")]
    assert len(codes) == 11 and set(codes) <= set(BY_CODE)
    for code in codes:
        r = csv_record(code, date(2024, 3, 8), Decimal("4.1"))
        spec = catalog.get_series(f"treasury__{code}")
        assert spec.known_at(r.observation_date) == TreasuryFetcher.record_known_at(r)


# --- malformed payloads ---------------------------------------------------------------------

HEADER_2024 = _fixture("par_yields_2024_jan.csv").decode().splitlines()[0]
GOOD_ROW = "01/02/2024,5.55,5.54,5.46,5.41,5.24,4.80,4.33,4.09,3.93,3.95,3.95,4.25,4.08"


def _csv(*rows: str, header: str = HEADER_2024) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _bad_cell(cell: str) -> bytes:
    return _csv(GOOD_ROW, GOOD_ROW.replace("01/02", "01/03").replace(",3.95,4.25", f",{cell},4.25"))


MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(b" \r\n ", "empty body", id="whitespace-body"),
    pytest.param(_fixture("error_page.html"), "an HTML page instead of CSV", id="html-page"),
    pytest.param(b'{"error": "not found"}', "JSON instead of CSV", id="json-body"),
    pytest.param(
        _fixture("par_yields_2024_jan.csv")[:-30], "line 6 has 9 fields", id="truncated-row"
    ),
    pytest.param(
        _csv(GOOD_ROW, '01/03/2024,"5.5'), "unreadable or truncated CSV", id="truncated-quote"
    ),
    pytest.param(
        _csv(GOOD_ROW, header=HEADER_2024.replace("Date", "date")),
        "the first column must be 'Date'",
        id="renamed-date-column",
    ),
    pytest.param(
        _csv(GOOD_ROW, header=HEADER_2024.replace('"10 Yr"', '"10 Year"')),
        "unknown column '10 Year'",
        id="renamed-tenor-column",
    ),
    pytest.param(
        _csv(GOOD_ROW, header=HEADER_2024.replace('"20 Yr"', '"10 Yr"')),
        "column '10 Yr' appears twice",
        id="duplicated-column",
    ),
    pytest.param(
        _csv(",".join(GOOD_ROW.split(",")[:-1]), header=HEADER_2024.replace(',"30 Yr"', "")),
        "the 2024 curve lacks the columns ['30 Yr']",
        id="missing-tenor-column",
    ),
    pytest.param(_bad_cell('"3,95"'), "'3,95' uses a comma", id="comma-decimal"),
    pytest.param(_bad_cell("3,95"), "line 3 has 15 fields", id="unquoted-comma-decimal"),
    pytest.param(_bad_cell("-"), "10 Yr at 2024-01-03: '-' is not a number", id="dash"),
    pytest.param(_bad_cell("N/A"), "'N/A' is not a number", id="n-a"),
    pytest.param(_bad_cell("NaN"), "'NaN' is not finite", id="nan"),
    pytest.param(_bad_cell("395"), "395 is not a plausible yield", id="basis-points"),
    pytest.param(
        _csv(GOOD_ROW.replace("01/02/2024", "2024-01-02")),
        "line 2 date '2024-01-02' is not MM/DD/YYYY",
        id="iso-date",
    ),
    pytest.param(
        _csv(GOOD_ROW.replace("01/02/2024", "12/29/2023")),
        "date 2023-12-29 is outside the requested year 2024",
        id="date-outside-year",
    ),
    pytest.param(
        _csv(GOOD_ROW.replace("01/02/2024", "01/06/2024")),
        "2024-01-06 is a weekend day",
        id="weekend-date",
    ),
    pytest.param(
        _csv(GOOD_ROW.replace("01/02/2024", "12/31/2024")),
        "2024-12-31 is out of range (after the fetch",
        id="date-after-fetch",
    ),
    pytest.param(_csv(GOOD_ROW, GOOD_ROW), "date 2024-01-02 appears twice", id="duplicated-date"),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=r"^treasury 2024: .*") as info:
        TreasuryFetcher.transform_data(_payload(body))
    assert reason in info.value.reason
    assert "field_tdr_date_value=2024" in info.value.request


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_load_archives_rejects_and_writes_nothing(db, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError):
        load_payload(db, TreasuryFetcher, _payload(body))
    assert _rows(db) == []
    with db.connect() as conn:
        archived = conn.execute(text("select * from bronze.raw_payloads")).one()
        rejection = conn.execute(text("select * from bronze.payload_rejections")).one()
    assert gzip.decompress(archived.body_gzip) == body
    assert (archived.source, archived.item) == ("treasury", "2024")
    assert rejection.payload_id == archived.payload_id
    assert reason in rejection.reason


# --- vintages -------------------------------------------------------------------------------


def _with(body: bytes, old: str, new: str) -> bytes:
    assert old.encode() in body
    return body.replace(old.encode(), new.encode(), 1)


def test_idempotent_and_a_correction_adds_one_vintage(db) -> None:
    body = _fixture("par_yields_2024_jan.csv")
    assert load_payload(db, TreasuryFetcher, _payload(body)).rows_added == 65
    again = _payload(body, fetched=FETCHED + timedelta(days=1))
    assert load_payload(db, TreasuryFetcher, again).rows_added == 0
    first = _rows(db)
    assert first[0].known_at == datetime(2024, 1, 2, 23, 0, tzinfo=UTC)  # 18:00 New York

    # Treasury corrects the 10-year of 3 January: one new vintage, the old one kept.
    fixed_at = FETCHED + timedelta(days=2)
    corrected = _with(body, "3.93,3.91,4.20", "3.93,3.92,4.20")
    assert load_payload(db, TreasuryFetcher, _payload(corrected, fetched=fixed_at)).rows_added == 1
    ten = [r for r in _rows(db) if r.curve_date == date(2024, 1, 3) and r.tenor == "10 Yr"]
    assert [r.yield_pct for r in ten] == [Decimal("3.91"), Decimal("3.92")]
    assert ten[0].known_at == datetime(2024, 1, 3, 23, 0, tzinfo=UTC)
    assert ten[1].known_at == fixed_at  # a correction is known when we saw it
    assert ten[0].payload_sha256 != ten[1].payload_sha256
    assert len(_rows(db)) == 66


def test_a_curve_fetched_before_18h_is_known_at_the_fetch(db) -> None:
    early = datetime(2024, 1, 8, 21, 30, tzinfo=UTC)  # 16:30 New York, the curve already out
    load_payload(db, TreasuryFetcher, _payload(_fixture("par_yields_2024_jan.csv"), fetched=early))
    known = {r.curve_date: r.known_at for r in _rows(db)}
    assert known[date(2024, 1, 8)] == early
    assert known[date(2024, 1, 5)] == datetime(2024, 1, 5, 23, 0, tzinfo=UTC)


def test_tidy_csv_rows_load_with_the_catalog_rule(db, pending_catalog, tmp_path) -> None:
    # What tidy_csv.csv_fetcher_for builds once the source is registered.
    class TidyCsv:
        key: ClassVar[str] = "treasury"
        table: ClassVar[str] = TreasuryFetcher.table
        key_columns: ClassVar[tuple[str, ...]] = TreasuryFetcher.key_columns
        value_columns: ClassVar[tuple[str, ...]] = TreasuryFetcher.value_columns

        @staticmethod
        def transform_data(payload):
            return [csv_record(payload.item, d, v) for d, v in parse_tidy_csv(payload)]

    path = tmp_path / "treasury__10Y.csv"
    path.write_text("date,value\n2024-01-02,3.95\n2024-01-03,3.91\n")
    assert load_payload(db, TidyCsv, csv_payload(path)).rows_added == 2
    rows = _rows(db)
    assert [(r.tenor, r.tenor_months) for r in rows] == [("10 Yr", Decimal(120))] * 2
    assert rows[0].known_at == datetime(2024, 1, 2, 23, 0, tzinfo=UTC)
    with pytest.raises(KeyError, match="unknown Treasury tenor code"):
        csv_record("DGS10", date(2024, 1, 2), Decimal("3.95"))


# --- real HTTP ------------------------------------------------------------------------------


def test_extract_one_request_per_year_over_real_http(db, sgs_server) -> None:
    dec = _csv(
        "12/29/2023,5.60,5.59,5.40,5.41,5.26,4.79,4.23,4.01,3.84,3.88,3.88,4.20,4.03",
        header=HEADER_2024,
    )
    sgs_server.route(f"{CURVE_PATH}/2023/all", Reply(body=dec, content_type="text/csv"))
    sgs_server.route(
        f"{CURVE_PATH}/2024/all",
        Reply(body=_fixture("par_yields_2024_jan.csv"), content_type="text/csv"),
    )
    query = TreasuryFetcher.transform_query(
        {"code": "10Y", "start": date(2023, 12, 28), "end": date(2024, 1, 8)}
    )
    with httpx.Client() as client:
        payloads = TreasuryFetcher.extract_data(query, client, sgs_server.base_url)
    assert [p.item for p in payloads] == ["2023", "2024"]
    paths = [p for p, _ in sgs_server.requests]
    assert paths == [f"{CURVE_PATH}/2023/all", f"{CURVE_PATH}/2024/all"]
    params = sgs_server.requests[0][1]
    assert params == {
        "type": "daily_treasury_yield_curve",
        "field_tdr_date_value": "2023",
        "_format": "csv",
    }  # and the empty 'page' flag
    added = [load_payload(db, TreasuryFetcher, p).rows_added for p in payloads]
    assert added == [13, 65]


# --- replay of the sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("treasury_sample")
    files = treasury_files(date(2022, 1, 3), date(2024, 12, 30), 7)
    assert set(files) == {"treasury__2022.csv", "treasury__2023.csv", "treasury__2024.csv"}
    for name, body in files.items():
        assert isinstance(body, str)
        (out / name).write_text(body)
    # The same CSV as a JSON writer would store it (a JSON string): replay reads both.
    (out / "treasury__2022.csv").write_text(json.dumps(files["treasury__2022.csv"]))
    return out


@pytest.fixture
def replay_client(sample_dir):
    transport = httpx.MockTransport(lambda request: replay(sample_dir, request))
    with httpx.Client(transport=transport) as client:
        yield client


def test_replay_serves_the_sample_years_and_ingests(db, replay_client) -> None:
    query = TreasuryQuery(code="curve", start=date(2022, 10, 1), end=date(2024, 3, 1))
    payloads = TreasuryFetcher.extract_data(query, replay_client, "http://replay.test")
    recs = {p.item: TreasuryFetcher.transform_data(p) for p in payloads}
    assert set(recs) == {"2022", "2023", "2024"}
    four_month = sorted(r.curve_date for r in recs["2022"] if r.tenor == "4 Mo")
    assert four_month[0] == date(2022, 10, 19)  # introduced mid-year: blank before
    assert not any(r.tenor == "1.5 Month" for rs in recs.values() for r in rs)
    ten = [r.yield_pct for r in recs["2023"] if r.tenor == "10 Yr"]
    assert 240 <= len(ten) <= 252 and all(Decimal("0.5") < y < Decimal(8) for y in ten)
    added = sum(load_payload(db, TreasuryFetcher, p).rows_added for p in payloads)
    assert added == sum(len(r) for r in recs.values())
    again = TreasuryFetcher.extract_data(query, replay_client, "http://replay.test")
    assert sum(load_payload(db, TreasuryFetcher, p).rows_added for p in again) == 0


def test_replay_answers_404_or_none(replay_client, sample_dir) -> None:
    no_year = replay_client.get(
        f"http://replay.test{CURVE_PATH}/2019/all", params={"type": "daily_treasury_yield_curve"}
    )
    assert no_year.status_code == 404
    other_type = replay_client.get(
        f"http://replay.test{CURVE_PATH}/2023/all", params={"type": "daily_treasury_bill_rates"}
    )
    assert other_type.status_code == 404
    assert replay(sample_dir, httpx.Request("GET", "http://x/fred/series/observations")) is None
