"""B3 index closes (GetPortfolioDay year grid): saved payloads, malformed bodies, vintages,
real HTTP, replay, tidy CSV.

The module's functions are called directly (it is not in the registry yet). The fixture has the
grid layout public clients read, with invented levels (tests/fixtures/b3_index/README.md).
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
from macro_models.connectors.b3_index import (
    YEAR_PATH,
    B3IndexFetcher,
    B3IndexQuery,
    csv_record,
    decode_token,
    replay,
    token,
)
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_b3_index import b3_index_files, br_number
from macro_models.connectors.tidy_csv import csv_payload, parse_tidy_csv
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "b3_index"
TABLE = "bronze.b3_index__closes"
BASE = "https://sistemaswebb3-listados.b3.com.br"
FETCHED = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _payload(body: bytes | dict, fetched: datetime = FETCHED, year: int = 2024) -> RawPayload:
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    return RawPayload(
        source="b3_index",
        item="IBOV",
        request={"url": f"{BASE}{YEAR_PATH}{token('IBOV', year)}", "index": "IBOV", "year": year},
        body=body,
        content_type="application/json",
        fetched_at=fetched,
    )


DOC = json.loads(_fixture("b3_index__IBOV_2024_jan.json"))


def _grid(row_day: int, **cells: object) -> bytes:
    """The fixture with cells of one day-of-month row replaced (a None value removes the key)."""
    doc = json.loads(json.dumps(DOC))
    row = doc["results"][row_day - 1]
    for k, v in cells.items():
        if v is None:
            row.pop(k)
        else:
            row[k] = v
    return json.dumps(doc).encode()


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
                    f"select index_code, trade_date, close, known_at, payload_sha256 "
                    f"from {TABLE} order by index_code, trade_date, known_at"
                )
            )
        )


# --- transform on saved payloads ------------------------------------------------------------


def test_token_is_base64_of_the_compact_json() -> None:
    t = token("IBOV", 2024)
    assert t == "eyJpbmRleCI6IklCT1YiLCJsYW5ndWFnZSI6InB0LWJyIiwieWVhciI6IjIwMjQifQ=="
    assert decode_token(t) == {"index": "IBOV", "language": "pt-br", "year": "2024"}


def test_transform_reads_the_grid() -> None:
    recs = B3IndexFetcher.transform_data(_payload(_fixture("b3_index__IBOV_2024_jan.json")))
    assert len(recs) == 22 and {r.index_code for r in recs} == {"IBOV"}
    assert recs[0].trade_date == date(2024, 1, 2)
    assert recs[0].close == Decimal("132697.05")  # '132.697,05'
    assert recs == sorted(recs, key=lambda r: r.trade_date)
    assert all(r.trade_date.weekday() < 5 and r.trade_date.month == 1 for r in recs)


def test_br_number_format() -> None:
    assert br_number(132697.054) == "132.697,05"
    assert br_number(999.5) == "999,50"
    assert br_number(1234567.891) == "1.234.567,89"


def test_query_splits_by_year_and_refuses_bad_input() -> None:
    q = B3IndexFetcher.transform_query(
        {"code": "ibov", "start": date(2022, 12, 20), "end": date(2024, 1, 5)}
    )
    assert (q.code, q.years()) == ("IBOV", [2022, 2023, 2024])
    with pytest.raises(ValueError, match="unknown B3 index 'BVSP'"):
        B3IndexQuery(code="BVSP", start=date(2024, 1, 1), end=date(2024, 1, 2))
    with pytest.raises(ValueError, match="after end"):
        B3IndexQuery(code="IBOV", start=date(2024, 2, 1), end=date(2024, 1, 1))
    with pytest.raises(ValueError, match="IFIX starts in 2010"):
        B3IndexQuery(code="IFIX", start=date(2001, 1, 1), end=date(2005, 1, 1))


def test_known_at_is_1830_sao_paulo_and_matches_the_catalog(pending_catalog) -> None:
    r = csv_record("IBOV", date(2024, 1, 2), Decimal("132697.05"))
    assert B3IndexFetcher.record_known_at(r) == datetime(2024, 1, 2, 21, 30, tzinfo=UTC)
    spec = catalog.get_series("b3_index__IBOV")
    assert [s.code for s in catalog.series_for_source("b3_index")] == ["IBOV"]
    for day in (date(2024, 1, 2), date(2024, 7, 1), date(2014, 1, 2)):
        rec = csv_record("IBOV", day, Decimal(1))
        assert spec.known_at(day) == B3IndexFetcher.record_known_at(rec)


# --- malformed payloads ---------------------------------------------------------------------

MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(_fixture("error_page.html"), "an HTML page instead of JSON", id="html-page"),
    pytest.param(_fixture("b3_index__IBOV_2024_jan.json")[:-200], "truncated JSON", id="truncated"),
    pytest.param(b'{"results": null}', "results is null", id="results-null"),
    pytest.param(b'{"result": []}', "no 'results' in the response", id="renamed-results"),
    pytest.param(b"[]", "expected a JSON object", id="list-body"),
    pytest.param(
        json.dumps({"results": DOC["results"][:20]}).encode(),
        "the grid lacks days [21, 22, 23, 24, 25]",
        id="missing-days",
    ),
    pytest.param(_grid(2, rateValue1=None), "lacks ['rateValue1']", id="missing-month-field"),
    pytest.param(
        _grid(2, rateValue1=None, month01="132.697,05"), "lacks ['rateValue1']", id="renamed-field"
    ),
    pytest.param(_grid(2, day="2"), "no integer 'day'", id="day-as-string"),
    pytest.param(_grid(2, day=3), "day 3 appears twice", id="duplicated-day"),
    pytest.param(_grid(2, day=32), "day 32 is not a day of a month", id="day-32"),
    pytest.param(_grid(2, rateValue1="132697.05"), "a dot decimal", id="dot-decimal"),
    pytest.param(_grid(2, rateValue1="132697,05"), "not a number in the Brazilian", id="no-dots"),
    pytest.param(_grid(2, rateValue1="132,697.05"), "not a number in the Brazilian", id="us-fmt"),
    pytest.param(_grid(2, rateValue1=132697.05), "Brazilian-format strings", id="json-number"),
    pytest.param(_grid(2, rateValue1="-"), "marks a day without a session with null", id="dash"),
    pytest.param(_grid(2, rateValue1=""), "marks a day without a session with null", id="blank"),
    pytest.param(_grid(2, rateValue1="0,00"), "not a plausible index level", id="zero"),
    pytest.param(_grid(30, rateValue2="130.000,00"), "2024-02-30, a date that does", id="feb-30"),
    pytest.param(_grid(6, rateValue1="130.000,00"), "2024-01-06, a weekend day", id="weekend"),
    pytest.param(_grid(5, rateValue2="130.000,00"), "2024-02-05, after the fetch", id="future"),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=r"^b3_index IBOV: ") as info:
        B3IndexFetcher.transform_data(_payload(body))
    assert reason in info.value.reason
    assert token("IBOV", 2024) in info.value.request


def test_a_payload_for_another_index_is_refused() -> None:
    p = _payload(_fixture("b3_index__IBOV_2024_jan.json"))
    other = RawPayload(
        source="b3_index",
        item="IBOV",
        request={"url": f"{BASE}{YEAR_PATH}{token('IFIX', 2024)}"},
        body=p.body,
        fetched_at=FETCHED,
    )
    with pytest.raises(PayloadError, match="asks for index 'IFIX', not IBOV"):
        B3IndexFetcher.transform_data(other)


@pytest.mark.parametrize(("body", "reason"), MALFORMED[:9])
def test_load_archives_rejects_and_writes_nothing(db, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError):
        load_payload(db, B3IndexFetcher, _payload(body))
    assert _rows(db) == []
    with db.connect() as conn:
        archived = conn.execute(text("select * from bronze.raw_payloads")).one()
        rejection = conn.execute(text("select * from bronze.payload_rejections")).one()
    assert gzip.decompress(archived.body_gzip) == body
    assert (archived.source, archived.item) == ("b3_index", "IBOV")
    assert rejection.payload_id == archived.payload_id
    assert reason in rejection.reason


# --- vintages -------------------------------------------------------------------------------


def test_idempotent_and_a_restatement_adds_one_vintage(db) -> None:
    body = _fixture("b3_index__IBOV_2024_jan.json")
    assert load_payload(db, B3IndexFetcher, _payload(body)).rows_added == 22
    again = _payload(body, fetched=FETCHED + timedelta(days=1))
    assert load_payload(db, B3IndexFetcher, again).rows_added == 0
    assert _rows(db)[0].known_at == datetime(2024, 1, 2, 21, 30, tzinfo=UTC)  # 18:30 SP

    fixed_at = FETCHED + timedelta(days=2)
    restated = _payload(_grid(3, rateValue1="132.500,00"), fetched=fixed_at)
    assert load_payload(db, B3IndexFetcher, restated).rows_added == 1
    jan3 = [r for r in _rows(db) if r.trade_date == date(2024, 1, 3)]
    assert jan3[1].close == Decimal("132500.00") and jan3[1].known_at == fixed_at
    assert jan3[0].known_at == datetime(2024, 1, 3, 21, 30, tzinfo=UTC)
    assert len(_rows(db)) == 23


def test_a_close_fetched_before_1830_is_known_at_the_fetch(db) -> None:
    early = datetime(2024, 1, 31, 20, 45, tzinfo=UTC)  # 17:45 Sao Paulo, the close is out
    load_payload(db, B3IndexFetcher, _payload(_fixture("b3_index__IBOV_2024_jan.json"), early))
    known = {r.trade_date: r.known_at for r in _rows(db)}
    assert known[date(2024, 1, 31)] == early
    assert known[date(2024, 1, 30)] == datetime(2024, 1, 30, 21, 30, tzinfo=UTC)


def test_tidy_csv_rows_load_with_the_catalog_rule(db, pending_catalog, tmp_path) -> None:
    # What tidy_csv.csv_fetcher_for builds once the source is registered.
    class TidyCsv:
        key: ClassVar[str] = "b3_index"
        table: ClassVar[str] = B3IndexFetcher.table
        key_columns: ClassVar[tuple[str, ...]] = B3IndexFetcher.key_columns
        value_columns: ClassVar[tuple[str, ...]] = B3IndexFetcher.value_columns

        @staticmethod
        def transform_data(payload):
            return [csv_record(payload.item, d, v) for d, v in parse_tidy_csv(payload)]

    path = tmp_path / "b3_index__IBOV.csv"
    path.write_text("date,value\n2024-01-02,132697.05\n2024-01-03,132532.20\n")
    assert load_payload(db, TidyCsv, csv_payload(path)).rows_added == 2
    rows = _rows(db)
    assert [r.close for r in rows] == [Decimal("132697.05"), Decimal("132532.20")]
    assert rows[0].known_at == datetime(2024, 1, 2, 21, 30, tzinfo=UTC)
    with pytest.raises(KeyError, match="unknown B3 index 'BVSP'"):
        csv_record("BVSP", date(2024, 1, 2), Decimal(1))


# --- real HTTP ------------------------------------------------------------------------------


def test_extract_one_request_per_year_over_real_http(db, sgs_server) -> None:
    dec = {"results": [{"day": d, **{f"rateValue{m}": None for m in range(1, 13)}}
                       for d in range(1, 32)]}  # fmt: skip
    dec["results"][27]["rateValue12"] = "134.185,24"  # 28 December 2023, the last session
    sgs_server.route(f"{YEAR_PATH}{token('IBOV', 2023)}", Reply(body=json.dumps(dec).encode()))
    sgs_server.route(
        f"{YEAR_PATH}{token('IBOV', 2024)}", Reply(body=_fixture("b3_index__IBOV_2024_jan.json"))
    )
    query = B3IndexFetcher.transform_query(
        {"code": "IBOV", "start": date(2023, 12, 28), "end": date(2024, 1, 8)}
    )
    with httpx.Client() as client:
        payloads = B3IndexFetcher.extract_data(query, client, sgs_server.base_url)
    assert [p.item for p in payloads] == ["IBOV", "IBOV"]
    assert [p for p, _ in sgs_server.requests] == [
        f"{YEAR_PATH}{token('IBOV', 2023)}",
        f"{YEAR_PATH}{token('IBOV', 2024)}",
    ]
    assert sgs_server.requests[0][1] == {}  # everything is in the path token
    payloads = [RawPayload(**{**p.__dict__, "fetched_at": FETCHED}) for p in payloads]
    added = [load_payload(db, B3IndexFetcher, p).rows_added for p in payloads]
    assert added == [1, 22]
    assert _rows(db)[0].trade_date == date(2023, 12, 28)


# --- replay of the sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("b3_index_sample")
    files = b3_index_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert len(files) == 11 and "b3_index__IBOV_2014.json" in files
    for name, doc in files.items():
        (out / name).write_text(json.dumps(doc))
    return out


@pytest.fixture
def replay_client(sample_dir):
    transport = httpx.MockTransport(lambda request: replay(sample_dir, request))
    with httpx.Client(transport=transport) as client:
        yield client


def test_replay_serves_the_sample_years_and_ingests(db, replay_client) -> None:
    query = B3IndexQuery(code="IBOV", start=date(2022, 6, 1), end=date(2024, 12, 30))
    payloads = B3IndexFetcher.extract_data(query, replay_client, "http://replay.test")
    recs = [B3IndexFetcher.transform_data(p) for p in payloads]
    assert [len(r) for r in recs][:2] == [len(recs[0]), len(recs[1])]
    assert all(240 <= len(r) <= 252 for r in recs)
    closes = [r.close for rs in recs for r in rs]
    assert all(Decimal(30000) < c < Decimal(300000) for c in closes)
    assert recs[-1][-1].trade_date == date(2024, 12, 30)
    added = sum(load_payload(db, B3IndexFetcher, p).rows_added for p in payloads)
    assert added == len(closes)
    again = B3IndexFetcher.extract_data(query, replay_client, "http://replay.test")
    assert sum(load_payload(db, B3IndexFetcher, p).rows_added for p in again) == 0


def test_replay_answers_null_results_or_none(replay_client, sample_dir) -> None:
    missing = replay_client.get(f"http://replay.test{YEAR_PATH}{token('IBOV', 2010)}")
    assert (missing.status_code, missing.json()) == (200, {"results": None})
    other = replay_client.get(f"http://replay.test{YEAR_PATH}{token('IFIX', 2024)}")
    assert other.json() == {"results": None}
    assert replay(sample_dir, httpx.Request("GET", "http://x/fred/series/observations")) is None


def test_sample_levels_start_and_end_near_the_real_ones() -> None:
    files = b3_index_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert files == b3_index_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    first = files["b3_index__IBOV_2014.json"]["results"][1]["rateValue1"]
    last = files["b3_index__IBOV_2024.json"]["results"][29]["rateValue12"]
    assert (first, last) == ("50.300,00", "120.300,00")
