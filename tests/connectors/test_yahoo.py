"""Yahoo Finance daily bars: saved payloads, malformed bodies, vintages, real HTTP, replay.

The module's functions are called directly (it is not in the registry yet).
"""

from __future__ import annotations

import copy
import gzip
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text

from macro_models.catalog import series as catalog
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_yahoo import yahoo_files
from macro_models.connectors.tidy_csv import csv_payload, parse_tidy_csv
from macro_models.connectors.yahoo import (
    BY_CODE,
    INSTRUMENTS,
    YahooFetcher,
    YahooQuery,
    csv_record,
    replay,
)
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "yahoo"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
TABLE = "bronze.yahoo__daily_bars"
FETCHED = datetime(2024, 8, 1, 12, 0, tzinfo=UTC)  # long after the fixtures' sessions
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
BVSP_QUERY = YahooQuery(code="BVSP", start=date(2024, 1, 1), end=date(2024, 1, 5))


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _payload(
    body: bytes | dict,
    code: str = "BVSP",
    fetched: datetime = FETCHED,
    query: YahooQuery | None = BVSP_QUERY,
) -> RawPayload:
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    url = f"https://query1.finance.yahoo.com/v8/finance/chart/{BY_CODE[code].symbol}"
    request: dict = {"url": url}
    if query is not None:
        p1, p2 = query.period()
        request["params"] = {
            "period1": str(p1),
            "period2": str(p2),
            "interval": "1d",
            "events": "div,splits",
        }
    return RawPayload("yahoo", code, request, body, "application/json", fetched)


@pytest.fixture(autouse=True)
def pending_catalog():
    """The catalog with this source's rows (merged into series_catalog.csv)."""
    catalog.load_catalog.cache_clear()
    yield
    catalog.load_catalog.cache_clear()


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
                    "select series_code, symbol, bar_date, open, high, low, close, adj_close, "
                    f"volume, known_at, payload_sha256 from {TABLE} order by bar_date, known_at"
                )
            )
        )


# --- transform on saved payloads ------------------------------------------------------------


def test_transform_dates_bars_in_exchange_time_and_skips_null_bars() -> None:
    bars = YahooFetcher.transform_data(_payload(_fixture("yahoo__BVSP_jan2024.json")))
    assert [b.bar_date for b in bars] == [date(2024, 1, d) for d in (2, 3, 4, 5)]  # 1 Jan null
    first = bars[0]
    assert (first.series_code, first.symbol) == ("BVSP", "^BVSP")
    assert first.close == Decimal("132697.046875")  # exactly as sent, no float rounding
    assert (first.open, first.volume) == (Decimal("134185.0"), 8479700)
    assert first.adj_close == first.close


def test_fx_bars_at_london_midnight_keep_their_london_date() -> None:
    query = YahooQuery(code="USDBRL", start=date(2024, 7, 1), end=date(2024, 7, 5))
    payload = _payload(_fixture("yahoo__USDBRL_jul2024.json"), "USDBRL", query=query)
    bars = YahooFetcher.transform_data(payload)
    # 23:00 UTC on 30 June is midnight on 1 July in London (BST): the bar of 1 July.
    assert [b.bar_date for b in bars] == [date(2024, 7, d) for d in range(1, 6)]
    assert bars[0].close == Decimal("5.5873") and bars[0].volume == 0


def test_the_live_bar_of_an_open_session_is_not_stored() -> None:
    body = _fixture("yahoo__BVSP_jan2024.json")
    during = datetime(2024, 1, 5, 17, 45, tzinfo=SAO_PAULO)  # B3 trades until 18:00 in January
    after = datetime(2024, 1, 5, 18, 31, tzinfo=SAO_PAULO)  # the catalog close: 18:30
    live = YahooFetcher.transform_data(_payload(body, fetched=during))
    closed = YahooFetcher.transform_data(_payload(body, fetched=after))
    assert [b.bar_date.day for b in live] == [2, 3, 4]
    assert [b.bar_date.day for b in closed] == [2, 3, 4, 5]


def test_a_window_without_bars_is_empty_not_an_error() -> None:
    assert YahooFetcher.transform_data(_payload(_fixture("yahoo__BVSP_no_bars.json"))) == []


def test_query_takes_codes_or_symbols_and_asks_local_midnights() -> None:
    assert YahooQuery(code="^BVSP", start=date(2024, 1, 1), end=date(2024, 1, 1)).code == "BVSP"
    p1, p2 = BVSP_QUERY.period()
    assert datetime.fromtimestamp(p1, SAO_PAULO) == datetime(2024, 1, 1, tzinfo=SAO_PAULO)
    assert datetime.fromtimestamp(p2, SAO_PAULO) == datetime(2024, 1, 6, tzinfo=SAO_PAULO)
    with pytest.raises(ValueError, match="unknown Yahoo code"):
        YahooQuery(code="PETR4.SA", start=date(2024, 1, 1), end=date(2024, 1, 2))
    with pytest.raises(ValueError, match="after end"):
        YahooQuery(code="GSPC", start=date(2024, 2, 1), end=date(2024, 1, 1))


def test_every_code_has_a_catalog_row_at_its_exchange_close() -> None:
    specs = {s.code: s for s in catalog.series_for_source("yahoo")}
    assert set(specs) == set(BY_CODE)
    for inst in INSTRUMENTS:
        spec = specs[inst.code]
        assert inst.symbol in spec.name and spec.release_lag_bd == 0
    # ^BVSP: 18:30 Sao Paulo; US listings 16:30 and futures 17:00 New York.
    assert specs["BVSP"].known_at(date(2024, 1, 2)) == datetime(2024, 1, 2, 21, 30, tzinfo=UTC)
    assert specs["EWZ"].known_at(date(2024, 7, 2)) == datetime(2024, 7, 2, 20, 30, tzinfo=UTC)
    assert specs["GOLD"].known_at(date(2024, 1, 2)) == datetime(2024, 1, 2, 22, 0, tzinfo=UTC)


# --- malformed payloads ---------------------------------------------------------------------

GOOD = json.loads(_fixture("yahoo__BVSP_jan2024.json"))


def _doc(**changes) -> dict:
    """The good document with result fields replaced; a value of None deletes the key."""
    doc = copy.deepcopy(GOOD)
    result = doc["chart"]["result"][0]
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = result
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        if value is None:
            node.pop(leaf)
        else:
            node[leaf] = value
    return doc


def _close(i: int, value) -> dict:
    doc = copy.deepcopy(GOOD)
    doc["chart"]["result"][0]["indicators"]["quote"][0]["close"][i] = value
    return doc


def _volume(i: int, value) -> dict:
    doc = copy.deepcopy(GOOD)
    doc["chart"]["result"][0]["indicators"]["quote"][0]["volume"][i] = value
    return doc


def _json(doc: dict) -> bytes:
    return json.dumps(doc).encode()


STAMPS = GOOD["chart"]["result"][0]["timestamp"]
MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(b"  \n ", "empty body", id="whitespace-body"),
    pytest.param(b"<!DOCTYPE html><html>Will be right back", "an HTML page", id="html-page"),
    pytest.param(_fixture("yahoo__BVSP_jan2024.json")[:-40], "truncated JSON", id="truncated"),
    pytest.param(
        _fixture("yahoo__not_found.json"), "Yahoo error Not Found: No data found", id="error-object"
    ),
    pytest.param(b"[1, 2]", "no 'chart' object", id="list-not-object"),
    pytest.param(b'{"finance": {"result": null}}', "no 'chart' object", id="renamed-chart"),
    pytest.param(
        b'{"chart": {"result": [], "error": null}}', "expected one chart result", id="empty-result"
    ),
    pytest.param(_json(_doc(meta=None)), "no 'meta' object", id="missing-meta"),
    pytest.param(
        _json(_doc(meta__symbol="^GSPC")),
        "meta.symbol is '^GSPC', expected '^BVSP'",
        id="wrong-symbol",
    ),
    pytest.param(
        _json(_doc(meta__currency="USD")),
        "meta.currency is 'USD', expected 'BRL'",
        id="changed-currency",
    ),
    pytest.param(
        _json(_doc(meta__exchangeTimezoneName=None)),
        "meta lacks 'exchangeTimezoneName'",
        id="missing-timezone",
    ),
    pytest.param(
        _json(_doc(meta__exchangeTimezoneName="BRT")),
        "unknown exchangeTimezoneName 'BRT'",
        id="bad-timezone",
    ),
    pytest.param(
        _json(_doc(timestamp=None)), "quote values without 'timestamp'", id="missing-timestamps"
    ),
    pytest.param(_json(_doc(indicators=None)), "no 'indicators.quote'", id="missing-indicators"),
    pytest.param(
        _json(_doc(indicators__quote__0__close=None)), "lacks 'close'", id="missing-close"
    ),
    pytest.param(
        _json(_doc(timestamp=[*STAMPS, STAMPS[-1] + 86_400])),
        "open has 5 values for 6 timestamps",
        id="length-mismatch",
    ),
    pytest.param(
        _json(_doc(indicators__adjclose=[{"adjclose": [1.0]}])),
        "adjclose has 1 values for 5 timestamps",
        id="short-adjclose",
    ),
    pytest.param(_json(_close(2, "132833,94")), "a comma decimal", id="comma-decimal"),
    pytest.param(_json(_close(2, "-")), "close at 2024-01-03 is missing ('-')", id="dash"),
    pytest.param(_json(_close(2, "")), "is missing ('')", id="empty-string"),
    pytest.param(_json(_close(2, "abc")), "the string 'abc', not a number", id="string"),
    pytest.param(
        _fixture("yahoo__BVSP_jan2024.json").replace(b"132833.9375", b"NaN"),
        "not a finite number",
        id="nan",
    ),
    pytest.param(_json(_close(2, 0)), "is 0: prices here are positive", id="zero-close"),
    pytest.param(_json(_close(2, True)), "True, not a number", id="bool-close"),
    pytest.param(_json(_volume(2, -5)), "volume at 2024-01-03 is -5", id="negative-volume"),
    pytest.param(_json(_volume(2, 1.5)), "not a non-negative integer", id="fractional-volume"),
    pytest.param(
        _json(_doc(timestamp=[*STAMPS[:-1], str(STAMPS[-1])])),
        "timestamp 4 is '",
        id="string-timestamp",
    ),
    pytest.param(
        _json(_doc(timestamp=[*STAMPS[:-1], STAMPS[-2] + 3600])),
        "bar date 2024-01-04 appears twice",
        id="duplicated-date",
    ),
    pytest.param(
        _json(_doc(timestamp=[*STAMPS[:-1], STAMPS[-1] + 3 * 86_400])),
        "(2024-01-08) is outside the requested period",
        id="outside-window",
    ),
    pytest.param(
        _json(_doc(timestamp=[*STAMPS[:-1], STAMPS[-1] + 400 * 86_400])),
        "is out of range (after the fetch?)",
        id="after-the-fetch",
    ),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=r"^yahoo BVSP: ") as info:
        YahooFetcher.transform_data(_payload(body))
    assert reason in info.value.reason
    assert "period1=" in info.value.request


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_load_archives_rejects_and_writes_nothing(db, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError):
        load_payload(db, YahooFetcher, _payload(body))
    assert _rows(db) == []
    with db.connect() as conn:
        archived = conn.execute(text("select * from bronze.raw_payloads")).one()
        rejection = conn.execute(text("select * from bronze.payload_rejections")).one()
    assert gzip.decompress(archived.body_gzip) == body
    assert (archived.source, archived.item) == ("yahoo", "BVSP")
    assert rejection.payload_id == archived.payload_id
    assert reason in rejection.reason


def test_an_unknown_code_is_refused(db) -> None:
    payload = RawPayload("yahoo", "PETR4", {"file": "x.json"}, _fixture("yahoo__BVSP_jan2024.json"))
    with pytest.raises(PayloadError, match="unknown Yahoo code 'PETR4'"):
        load_payload(db, YahooFetcher, payload)


# --- vintages -------------------------------------------------------------------------------


def test_idempotent_and_a_changed_close_adds_one_vintage(db) -> None:
    body = _fixture("yahoo__BVSP_jan2024.json")
    assert load_payload(db, YahooFetcher, _payload(body)).rows_added == 4
    again = _payload(body, fetched=FETCHED + timedelta(days=1))
    assert load_payload(db, YahooFetcher, again).rows_added == 0
    rows = _rows(db)
    assert rows[0].known_at == datetime(2024, 1, 2, 21, 30, tzinfo=UTC)  # 18:30 Sao Paulo
    assert (rows[0].series_code, rows[0].symbol, rows[0].volume) == ("BVSP", "^BVSP", 8479700)

    # Yahoo revises the last day's volume: stored as is, not a new vintage of the series.
    volume_only = _payload(_volume(4, 10600000), fetched=FETCHED + timedelta(days=2))
    assert load_payload(db, YahooFetcher, volume_only).rows_added == 0
    # A corrected close is a new vintage, known when we saw it; the old one stays.
    revised_at = FETCHED + timedelta(days=3)
    revised = _close(3, 131300.5)
    assert load_payload(db, YahooFetcher, _payload(revised, fetched=revised_at)).rows_added == 1
    jan4 = [r for r in _rows(db) if r.bar_date == date(2024, 1, 4)]
    assert [r.close for r in jan4] == [Decimal("131226.0"), Decimal("131300.5")]
    assert jan4[1].known_at == revised_at and jan4[0].payload_sha256 != jan4[1].payload_sha256


def test_tidy_csv_closes_load_with_the_catalog_rule(db, tmp_path) -> None:
    # What tidy_csv.csv_fetcher_for builds once the source is registered.
    class TidyCsv:
        key: ClassVar[str] = "yahoo"
        table: ClassVar[str] = YahooFetcher.table
        key_columns: ClassVar[tuple[str, ...]] = YahooFetcher.key_columns
        value_columns: ClassVar[tuple[str, ...]] = YahooFetcher.value_columns

        @staticmethod
        def transform_data(payload):
            return [csv_record(payload.item, d, v) for d, v in parse_tidy_csv(payload)]

    # The shared tidy file's own format (date,value = close), a slice of it.
    shared = SHARED_DATA / "yahoo__BVSP.csv"
    fallback = ["date,value", "1993-04-27,24.5", "1993-04-28,24.299999", "1993-04-29,23.7"]
    lines = shared.read_text().splitlines()[:4] if shared.exists() else fallback
    path = tmp_path / "yahoo__BVSP.csv"
    path.write_text("\n".join(lines) + "\n")
    assert load_payload(db, TidyCsv, csv_payload(path)).rows_added == 3
    rows = _rows(db)
    assert rows[0].symbol == "^BVSP" and rows[0].open is None and rows[0].volume is None
    assert rows[0].known_at == catalog.get_series("yahoo__BVSP").known_at(rows[0].bar_date)
    with pytest.raises(KeyError, match="unknown Yahoo code"):
        csv_record("IBOV", date(2024, 1, 2), Decimal(1))


# --- real HTTP ------------------------------------------------------------------------------


def test_extract_over_real_http(db, sgs_server) -> None:
    sgs_server.route("/v8/finance/chart/%5EBVSP", Reply(body=_fixture("yahoo__BVSP_jan2024.json")))
    query = YahooFetcher.transform_query(
        {"code": "BVSP", "start": date(2024, 1, 1), "end": date(2024, 1, 5)}
    )
    with httpx.Client() as client:
        payloads = YahooFetcher.extract_data(query, client, sgs_server.base_url)
    assert [p.item for p in payloads] == ["BVSP"]
    ((path, params),) = sgs_server.requests
    p1, p2 = query.period()
    assert params == {
        "period1": str(p1),
        "period2": str(p2),
        "interval": "1d",
        "events": "div,splits",
    }
    assert load_payload(db, YahooFetcher, payloads[0]).rows_added == 4


# --- replay of the sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("yahoo_sample")
    files = yahoo_files(date(2023, 1, 2), date(2024, 12, 30), 7)
    assert set(files) == {f"yahoo__{i.code}.json" for i in INSTRUMENTS}
    for name, doc in files.items():
        (out / name).write_text(json.dumps(doc, separators=(",", ":")))
    return out


@pytest.fixture
def replay_client(sample_dir):
    transport = httpx.MockTransport(lambda request: replay(sample_dir, request))
    with httpx.Client(transport=transport) as client:
        yield client


@pytest.mark.parametrize(
    ("code", "start", "end", "sessions"),
    [
        pytest.param("BVSP", date(2024, 2, 5), date(2024, 2, 16), 8, id="b3-carnival"),
        pytest.param("GSPC", date(2024, 7, 1), date(2024, 7, 5), 4, id="nyse-july-4th"),
        pytest.param("USDBRL", date(2024, 7, 1), date(2024, 7, 5), 5, id="fx-bst-midnight"),
        pytest.param("SOYBEAN", date(2024, 3, 25), date(2024, 3, 29), 4, id="cbot-good-friday"),
    ],
)
def test_replay_serves_the_requested_window(replay_client, code, start, end, sessions) -> None:
    query = YahooQuery(code=code, start=start, end=end)
    (payload,) = YahooFetcher.extract_data(query, replay_client, "http://replay.test")
    bars = YahooFetcher.transform_data(payload)
    # The sample has a few all-null bars, as Yahoo does: at most one here.
    assert sessions - 1 <= len(bars) <= sessions
    assert all(start <= b.bar_date <= end for b in bars)


def test_replay_sample_levels_are_plausible(replay_client) -> None:
    query = YahooQuery(code="VIX", start=date(2023, 1, 2), end=date(2024, 12, 30))
    (payload,) = YahooFetcher.extract_data(query, replay_client, "http://replay.test")
    vix = [b.close for b in YahooFetcher.transform_data(payload)]
    assert len(vix) > 480 and Decimal(8) < min(vix) and max(vix) < Decimal(90)


def test_replay_ingests_then_adds_nothing(db, replay_client) -> None:
    query = YahooQuery(code="EWZ", start=date(2024, 1, 1), end=date(2024, 3, 31))
    for expected in ("some", 0):
        (payload,) = YahooFetcher.extract_data(query, replay_client, "http://replay.test")
        added = load_payload(db, YahooFetcher, payload).rows_added
        assert added > 55 if expected == "some" else added == 0
    rows = _rows(db)
    assert all(r.adj_close < r.close for r in rows)  # EWZ pays dividends: back-adjusted


def test_replay_empty_window_404_and_other_paths(replay_client, sample_dir) -> None:
    weekend = YahooQuery(code="GSPC", start=date(2024, 1, 6), end=date(2024, 1, 7))
    (payload,) = YahooFetcher.extract_data(weekend, replay_client, "http://replay.test")
    assert "timestamp" not in json.loads(payload.body)["chart"]["result"][0]
    assert YahooFetcher.transform_data(payload) == []
    missing = replay_client.get("http://replay.test/v8/finance/chart/PETR4.SA")
    assert missing.status_code == 404
    assert missing.json()["chart"]["error"]["code"] == "Not Found"
    sgs = httpx.Request("GET", "http://x/dados/serie/bcdata.sgs.1/dados")
    assert replay(sample_dir, sgs) is None
