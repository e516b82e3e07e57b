"""CFTC TFF positions: saved payloads, malformed bodies, vintages, real HTTP, replay.

The module's functions are called directly (it is not in the registry yet). The fixture is in
Socrata's exact format with invented numbers (tests/fixtures/cftc/README.md).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from macro_models.connectors.base import RawPayload
from macro_models.connectors.cftc import (
    TFF_PATH,
    CftcFetcher,
    CftcQuery,
    release_day,
    replay,
    where_clause,
)
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_cftc import cftc_files
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cftc"
TABLE = "bronze.cftc__tff_positions"
URL = "https://publicreporting.cftc.gov" + TFF_PATH
FETCHED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _payload(
    body: bytes | list,
    fetched: datetime = FETCHED,
    start: date = date(2024, 1, 1),
    end: date = date(2024, 1, 31),
    code: str = "102741",
) -> RawPayload:
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    params = {
        "$where": where_clause(code, start, end),
        "$order": "report_date_as_yyyy_mm_dd",
        "$limit": "50000",
        "$offset": "0",
    }
    return RawPayload(
        source="cftc",
        item="BRL",
        request={"url": URL, "params": params},
        body=body,
        content_type="application/json",
        fetched_at=fetched,
    )


ROWS = json.loads(_fixture("cftc__BRL_2024_jan.json"))


def _changed(i: int, **fields: str | None) -> bytes:
    rows = json.loads(json.dumps(ROWS))
    for k, v in fields.items():
        if v is None:
            rows[i].pop(k)
        else:
            rows[i][k] = v
    return json.dumps(rows).encode()


@pytest.fixture
def db(clean_db):
    with clean_db.begin() as conn:
        conn.execute(text(f"truncate {TABLE}"))
    return clean_db


def _rows(engine) -> list:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "select contract_code, report_date, contract, lev_money_long, "
                    f"lev_money_short, known_at, payload_sha256 from {TABLE} "
                    "order by contract_code, report_date, known_at"
                )
            )
        )


# --- transform on saved payloads ------------------------------------------------------------


def test_transform_reads_fields_by_name() -> None:
    recs = CftcFetcher.transform_data(_payload(_fixture("cftc__BRL_2024_jan.json")))
    assert [r.report_date for r in recs] == [date(2024, 1, d) for d in (2, 9, 16, 23, 30)]
    first = recs[0]
    assert (first.contract_code, first.contract) == ("102741", "BRL")
    assert first.open_interest == 60418
    assert (first.lev_money_long, first.lev_money_short) == (25305, 11470)
    assert (first.asset_mgr_long, first.asset_mgr_short) == (3125, 14870)
    assert (first.dealer_long, first.nonrept_short) == (24981, 2410)
    assert first.lev_money_net == 13835 and first.asset_mgr_net == -11745
    assert first.market_and_exchange_names.startswith("BRAZILIAN REAL")


def test_empty_window_is_no_rows() -> None:
    assert CftcFetcher.transform_data(_payload(b"[]")) == []


def test_query_accepts_codes_and_refuses_bad_input() -> None:
    for code in ("BRL", "102741", "BRL_lev_net", "BRL_am_net"):
        q = CftcQuery(code=code, start=date(2024, 1, 1), end=date(2024, 2, 1))
        assert [c.cftc_code for c in q.contracts()] == ["102741"]
    everything = CftcFetcher.transform_query({"code": "curve", "start": date(2024, 1, 1),
                                              "end": date(2024, 2, 1)})  # fmt: skip
    assert [c.code for c in everything.contracts()] == ["BRL", "DXY"]
    with pytest.raises(ValueError, match="unknown CFTC contract 'ZZZ'"):
        CftcQuery(code="ZZZ", start=date(2024, 1, 1), end=date(2024, 2, 1))
    with pytest.raises(ValueError, match="after end"):
        CftcQuery(code="BRL", start=date(2024, 2, 1), end=date(2024, 1, 1))
    with pytest.raises(ValueError, match="starts on 2006-06-13"):
        CftcQuery(code="BRL", start=date(2000, 1, 1), end=date(2005, 1, 1))


@pytest.mark.parametrize(
    ("report", "release"),
    [
        pytest.param(date(2024, 1, 2), date(2024, 1, 5), id="plain-week-friday"),
        pytest.param(date(2024, 11, 26), date(2024, 12, 2), id="thanksgiving-monday"),
        pytest.param(date(2023, 12, 26), date(2023, 12, 29), id="christmas-monday-before"),
        pytest.param(date(2022, 12, 27), date(2022, 12, 30), id="after-christmas"),
        pytest.param(date(2021, 11, 9), date(2021, 11, 15), id="veterans-day-thursday"),
        pytest.param(date(2024, 6, 18), date(2024, 6, 24), id="juneteenth-wednesday"),
    ],
)
def test_release_is_the_third_business_day(report: date, release: date) -> None:
    assert release_day(report) == release


def test_known_at_is_1530_new_york_on_release() -> None:
    recs = CftcFetcher.transform_data(_payload(_fixture("cftc__BRL_2024_jan.json")))
    assert CftcFetcher.record_known_at(recs[0]) == datetime(2024, 1, 5, 20, 30, tzinfo=UTC)


# --- malformed payloads ---------------------------------------------------------------------

MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(_fixture("error_page.html"), "an HTML page instead of JSON", id="html-page"),
    pytest.param(_fixture("cftc__BRL_2024_jan.json")[:-40], "truncated JSON", id="truncated"),
    pytest.param(_fixture("socrata_error.json"), "Socrata error object", id="socrata-error"),
    pytest.param(b'"rows"', "expected a JSON list", id="not-a-list"),
    pytest.param(b"[1]", "row 0 is int", id="row-not-object"),
    pytest.param(
        _changed(1, lev_money_positions_long=None),
        "'lev_money_positions_long' is missing",
        id="missing-field",
    ),
    pytest.param(
        _changed(0, asset_mgr_positions_long=None, asset_mgr_positions_long_all="3125"),
        "'asset_mgr_positions_long' is missing",
        id="renamed-field",
    ),
    pytest.param(
        _changed(0, report_date_as_yyyy_mm_dd=None, report_date="2024-01-02T00:00:00.000"),
        "lacks 'report_date_as_yyyy_mm_dd'",
        id="renamed-date-field",
    ),
    pytest.param(
        _changed(2, open_interest_all="58.861"), "counts are plain integers", id="dot-thousands"
    ),
    pytest.param(
        _changed(2, open_interest_all="58,861"), "counts are plain integers", id="comma-thousands"
    ),
    pytest.param(_changed(2, dealer_positions_long_all="-"), "is missing ('-')", id="dash"),
    pytest.param(_changed(2, dealer_positions_long_all=""), "is missing ('')", id="blank"),
    pytest.param(_changed(2, nonrept_positions_short_all="-12"), "not a non-negative", id="neg"),
    pytest.param(
        _changed(3, lev_money_positions_long="99999"),
        "lev_money_long 99999 exceeds open interest",
        id="shifted-column",
    ),
    pytest.param(
        _changed(0, report_date_as_yyyy_mm_dd="01/02/2024"),
        "is not YYYY-MM-DDT00:00:00.000",
        id="us-date",
    ),
    pytest.param(
        _changed(0, report_date_as_yyyy_mm_dd="2024-02-30T00:00:00.000"),
        "is not YYYY-MM-DDT00:00:00.000",
        id="impossible-date",
    ),
    pytest.param(
        _changed(4, report_date_as_yyyy_mm_dd="2024-02-06T00:00:00.000"),
        "outside 2024-01-01..2024-01-31",
        id="outside-window",
    ),
    pytest.param(
        _changed(0, report_date_as_yyyy_mm_dd="2024-01-06T00:00:00.000"),
        "is a weekend day",
        id="weekend",
    ),
    pytest.param(
        _changed(1, report_date_as_yyyy_mm_dd="2024-01-02T00:00:00.000"),
        "report date 2024-01-02 appears twice",
        id="duplicated-date",
    ),
    pytest.param(
        _changed(1, cftc_contract_market_code="098662"), "is contract '098662'", id="other-contract"
    ),
    pytest.param(
        _changed(1, market_and_exchange_names=None),
        "lacks 'market_and_exchange_names'",
        id="no-name",
    ),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=r"^cftc BRL: ") as info:
        CftcFetcher.transform_data(_payload(body))
    assert reason in info.value.reason
    assert "cftc_contract_market_code='102741'" in info.value.request


def test_dates_after_the_fetch_are_refused() -> None:
    early = datetime(2024, 1, 20, tzinfo=UTC)
    with pytest.raises(PayloadError, match="out of range"):
        CftcFetcher.transform_data(_payload(_fixture("cftc__BRL_2024_jan.json"), fetched=early))


@pytest.mark.parametrize(("body", "reason"), MALFORMED[:8])
def test_load_archives_rejects_and_writes_nothing(db, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError):
        load_payload(db, CftcFetcher, _payload(body))
    assert _rows(db) == []
    with db.connect() as conn:
        archived = conn.execute(text("select * from bronze.raw_payloads")).one()
        rejection = conn.execute(text("select * from bronze.payload_rejections")).one()
    assert gzip.decompress(archived.body_gzip) == body
    assert (archived.source, archived.item) == ("cftc", "BRL")
    assert rejection.payload_id == archived.payload_id
    assert reason in rejection.reason


# --- vintages -------------------------------------------------------------------------------


def test_idempotent_and_a_correction_adds_one_vintage(db) -> None:
    body = _fixture("cftc__BRL_2024_jan.json")
    assert load_payload(db, CftcFetcher, _payload(body)).rows_added == 5
    again = _payload(body, fetched=FETCHED + timedelta(days=1))
    assert load_payload(db, CftcFetcher, again).rows_added == 0
    first = _rows(db)
    assert first[0].known_at == datetime(2024, 1, 5, 20, 30, tzinfo=UTC)  # Friday 15:30 NY

    # The CFTC republishes the 16 January report with corrected leveraged-fund shorts.
    fixed_at = FETCHED + timedelta(days=2)
    corrected = _payload(_changed(2, lev_money_positions_short="12700"), fetched=fixed_at)
    assert load_payload(db, CftcFetcher, corrected).rows_added == 1
    jan16 = [r for r in _rows(db) if r.report_date == date(2024, 1, 16)]
    assert [r.lev_money_short for r in jan16] == [12640, 12700]
    assert jan16[0].known_at == datetime(2024, 1, 19, 20, 30, tzinfo=UTC)
    assert jan16[1].known_at == fixed_at
    # A renamed market is stored, not a vintage.
    renamed = json.loads(corrected.body)
    renamed[0]["market_and_exchange_names"] = "BRAZILIAN REAL - CME"
    renamed = json.dumps(renamed).encode()
    later = FETCHED + timedelta(days=3)
    assert load_payload(db, CftcFetcher, _payload(renamed, fetched=later)).rows_added == 0
    assert len(_rows(db)) == 6


# --- real HTTP ------------------------------------------------------------------------------


def test_extract_pages_over_real_http(db, sgs_server, monkeypatch) -> None:
    monkeypatch.setattr("macro_models.connectors.cftc.PAGE_LIMIT", 3)
    body = json.loads(_fixture("cftc__BRL_2024_jan.json"))
    sgs_server.route(
        TFF_PATH,
        Reply(body=json.dumps(body[:3]).encode()),
        Reply(body=json.dumps(body[3:]).encode()),
    )
    query = CftcFetcher.transform_query(
        {"code": "BRL_lev_net", "start": date(2024, 1, 1), "end": date(2024, 1, 31)}
    )
    with httpx.Client() as client:
        payloads = CftcFetcher.extract_data(query, client, sgs_server.base_url)
    assert [p.item for p in payloads] == ["BRL", "BRL"]
    assert [p for p, _ in sgs_server.requests] == [TFF_PATH, TFF_PATH]
    params = sgs_server.requests[0][1]
    assert params == {
        "$where": "cftc_contract_market_code='102741' AND report_date_as_yyyy_mm_dd between "
        "'2024-01-01T00:00:00' and '2024-01-31T00:00:00'",
        "$order": "report_date_as_yyyy_mm_dd",
        "$limit": "3",
        "$offset": "0",
    }
    assert sgs_server.requests[1][1]["$offset"] == "3"
    added = [load_payload(db, CftcFetcher, p).rows_added for p in payloads]
    assert added == [3, 2]


# --- replay of the sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cftc_sample")
    files = cftc_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert set(files) == {"cftc__BRL.json", "cftc__DXY.json"}
    for name, doc in files.items():
        (out / name).write_text(json.dumps(doc))
    return out


@pytest.fixture
def replay_client(sample_dir):
    transport = httpx.MockTransport(lambda request: replay(sample_dir, request))
    with httpx.Client(transport=transport) as client:
        yield client


def test_replay_serves_the_sample_and_ingests(db, replay_client) -> None:
    query = CftcQuery(code="curve", start=date(2023, 1, 1), end=date(2024, 12, 30))
    payloads = CftcFetcher.extract_data(query, replay_client, "http://replay.test")
    recs = {p.item: CftcFetcher.transform_data(p) for p in payloads}
    assert set(recs) == {"BRL", "DXY"}
    brl = recs["BRL"]
    assert 100 <= len(brl) <= 105 and all(r.report_date.weekday() == 1 for r in brl)
    assert brl[0].report_date == date(2023, 1, 3)
    assert all(r.open_interest >= r.lev_money_long + r.asset_mgr_long for r in brl)
    nets = [r.lev_money_net for r in brl]
    assert min(nets) < 0 < max(nets) or abs(max(nets) - min(nets)) > 5000  # it moves
    added = sum(load_payload(db, CftcFetcher, p).rows_added for p in payloads)
    assert added == sum(len(r) for r in recs.values())
    again = CftcFetcher.extract_data(query, replay_client, "http://replay.test")
    assert sum(load_payload(db, CftcFetcher, p).rows_added for p in again) == 0


def test_replay_answers_empty_or_none(replay_client, sample_dir) -> None:
    mxn = replay_client.get(
        f"http://replay.test{TFF_PATH}",
        params={"$where": where_clause("095741", date(2024, 1, 1), date(2024, 2, 1))},
    )
    assert (mxn.status_code, mxn.json()) == (200, [])
    page = replay_client.get(
        f"http://replay.test{TFF_PATH}",
        params={
            "$where": where_clause("102741", date(2024, 1, 1), date(2024, 3, 1)),
            "$limit": "4",
            "$offset": "4",
        },
    )
    assert [r["report_date_as_yyyy_mm_dd"][:10] for r in page.json()] == [
        "2024-01-30", "2024-02-06", "2024-02-13", "2024-02-20",
    ]  # fmt: skip
    assert replay(sample_dir, httpx.Request("GET", "http://x/fred/series/observations")) is None


def test_sample_is_deterministic_and_small() -> None:
    a = cftc_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert a == cftc_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert a != cftc_files(date(2014, 1, 2), date(2024, 12, 30), 8)
    assert sum(len(v) for v in a.values()) < 2000
