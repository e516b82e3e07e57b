"""B3 DI1 intraday quotes (cotacao.b3.com.br): saved snapshot, malformed bodies, snapshots as
vintages, real HTTP and replay. The fixture follows the endpoint's JSON field names; its numbers
are realistic for 2 January 2024, not a copy of a real snapshot."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from macro_models.connectors import b3_di1_quotes
from macro_models.connectors.b3_di1_quotes import QUOTES_PATH, B3Di1QuotesFetcher
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.load import load_payload
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "b3"
BODY = (FIXTURES / "b3__DI1_quotes.json").read_bytes()
DOC = json.loads(BODY)
QUOTE_TIME = datetime(2024, 1, 2, 18, 31, 7, tzinfo=UTC)  # 15:31:07 in Sao Paulo
TABLE = "bronze.b3__di1_quotes"


def _payload(body: bytes | dict, fetched: datetime = QUOTE_TIME + timedelta(seconds=2)):
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    url = "https://cotacao.b3.com.br" + QUOTES_PATH
    return RawPayload("b3", "DI1_quotes", {"url": url}, body, "application/json", fetched)


def _doc(edit) -> dict:
    doc = copy.deepcopy(DOC)
    edit(doc)
    return doc


@pytest.fixture
def db(clean_db: Engine) -> Engine:
    with clean_db.begin() as conn:
        conn.execute(text(f"truncate {TABLE}"))
    return clean_db


def test_transform_reads_every_di1_future_of_the_snapshot() -> None:
    recs = B3Di1QuotesFetcher.transform_data(_payload(BODY))
    assert [r.ticker for r in recs][:3] == ["DI1G24", "DI1H24", "DI1J24"] and len(recs) == 10
    g24 = recs[0]
    assert (g24.quote_time, g24.trade_date) == (QUOTE_TIME, date(2024, 1, 2))
    assert (g24.maturity_date, g24.business_days) == (date(2024, 2, 1), 22)
    assert (g24.last_rate_pct, g24.previous_settlement_rate_pct) == (
        Decimal("11.652"),
        Decimal("11.655"),
    )
    assert (g24.bid_rate_pct, g24.ask_rate_pct) == (Decimal("11.651"), Decimal("11.653"))
    assert (g24.open_contracts, g24.trades, g24.traded_contracts) == (302114, 1120, 54210)
    f33 = recs[-1]  # listed, not traded yet today: no last price, still a book
    assert f33.last_rate_pct is None and f33.bid_rate_pct == Decimal("10.59")


def test_options_and_other_markets_on_the_page_are_skipped() -> None:
    def add_option(doc: dict) -> None:
        option = copy.deepcopy(doc["Scty"][0])
        option["symb"], option["mkt"] = "D11G24C1165", {"cd": "OPT"}
        doc["Scty"].append(option)

    assert len(B3Di1QuotesFetcher.transform_data(_payload(_doc(add_option)))) == 10


def _set(path: tuple, value):
    def edit(doc: dict) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def _expired(doc: dict) -> None:
    doc["Scty"][0]["symb"] = "DI1F23"
    doc["Scty"][0]["asset"]["AsstSummry"]["mtrtyCode"] = "2023-01-02"


G24 = ("Scty", 0)
MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(b"<html><body>503 Service Unavailable</body></html>", "HTML page", id="html"),
    pytest.param(BODY[:200], "truncated JSON", id="truncated"),
    pytest.param(b"[]", "expected a JSON object", id="list"),
    pytest.param(_doc(_set(("BizSts", "cd"), "NOK")), "business status 'NOK'", id="biz-status"),
    pytest.param(_doc(lambda d: d.pop("Scty")), "no 'Scty' list", id="no-scty"),
    pytest.param(_doc(lambda d: d["Scty"][0].pop("symb")), "lacks one of symb", id="no-symb"),
    pytest.param(_doc(_set(("Msg", "dtTm"), "02/01/2024 15:31")), "Msg.dtTm", id="bad-time"),
    pytest.param(_doc(lambda d: d.pop("Msg")), "Msg.dtTm None", id="no-time"),
    pytest.param(
        _doc(_set(("Msg", "dtTm"), "2024-01-03 15:31:07")), "after the fetch time", id="future-time"
    ),
    pytest.param(
        _doc(_set((*G24, "SctyQtn", "curPrc"), "11,652")), "not a JSON number", id="comma-string"
    ),
    pytest.param(
        _doc(_set((*G24, "SctyQtn", "curPrc"), 11652)), "not a rate in % p.a.", id="thousandths"
    ),
    pytest.param(
        _doc(_set((*G24, "asset", "AsstSummry", "mtrtyCode"), "2024-02-02")),
        "is not its maturity 2024-02-01",
        id="maturity-mismatch",
    ),
    pytest.param(_doc(_expired), "matured on 2023-01-02", id="expired"),
    pytest.param(
        _doc(lambda d: d["Scty"].append(d["Scty"][1])), "DI1H24 appears twice", id="duplicate"
    ),
    pytest.param(
        _doc(_set((*G24, "SctyQtn", "minPric"), 12.0)), "above maximum", id="min-above-max"
    ),
    pytest.param(
        _doc(_set((*G24, "asset", "AsstSummry", "opnCtrcts"), -3)),
        "not a count",
        id="negative-count",
    ),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_malformed_snapshots_fail_and_write_nothing(db, body, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        load_payload(db, B3Di1QuotesFetcher, _payload(body))
    assert "b3 DI1_quotes" in str(info.value)
    with db.connect() as conn:
        assert conn.execute(text(f"select count(*) from {TABLE}")).scalar() == 0
        assert conn.execute(text("select count(*) from bronze.raw_payloads")).scalar() == 1
        rejected = conn.execute(text("select reason from bronze.payload_rejections")).scalars()
        assert [str(info.value)] == list(rejected)


def test_an_unchanged_snapshot_adds_nothing_and_a_new_trade_adds_a_row(db) -> None:
    assert load_payload(db, B3Di1QuotesFetcher, _payload(BODY)).rows_added == 10
    later = QUOTE_TIME + timedelta(minutes=5)
    same = _doc(_set(("Msg", "dtTm"), "2024-01-02 15:36:07"))
    assert load_payload(db, B3Di1QuotesFetcher, _payload(same, later)).rows_added == 0
    traded = _doc(_set((*G24, "SctyQtn", "curPrc"), 11.648))
    traded["Msg"]["dtTm"] = "2024-01-02 15:41:07"
    fetched = QUOTE_TIME + timedelta(minutes=10, seconds=1)
    assert load_payload(db, B3Di1QuotesFetcher, _payload(traded, fetched)).rows_added == 1
    with db.connect() as conn:
        rows = conn.execute(
            text(f"select last_rate_pct, known_at from {TABLE} where ticker = 'DI1G24' order by 2")
        ).all()
    assert [(r.last_rate_pct, r.known_at) for r in rows] == [
        (Decimal("11.652"), QUOTE_TIME),
        (Decimal("11.648"), fetched),  # a later snapshot is known when we saw it
    ]


def test_extract_over_real_http(db, sgs_server) -> None:
    sgs_server.route(QUOTES_PATH, Reply(body=BODY, content_type="application/json"))
    query = B3Di1QuotesFetcher.transform_query(
        {"code": "DI1", "start": date(2024, 1, 2), "end": date(2024, 1, 2)}
    )
    with httpx.Client(timeout=5, trust_env=False) as client:
        (payload,) = B3Di1QuotesFetcher.extract_data(query, client, sgs_server.base_url)
    assert sgs_server.requests == [(QUOTES_PATH, {})]
    assert payload.body == BODY and payload.request == {"url": sgs_server.base_url + QUOTES_PATH}
    payload = RawPayload(
        payload.source,
        payload.item,
        payload.request,
        payload.body,
        payload.content_type,
        QUOTE_TIME + timedelta(seconds=3),
    )
    assert load_payload(db, B3Di1QuotesFetcher, payload).rows_added == 10
    with pytest.raises(ValueError, match="DI1 only"):
        B3Di1QuotesFetcher.transform_query({"code": "DOL"})


def test_replay_serves_a_recorded_snapshot(tmp_path) -> None:
    request = httpx.Request("GET", "https://cotacao.b3.com.br" + QUOTES_PATH)
    assert b3_di1_quotes.replay(tmp_path, request).status_code == 404
    (tmp_path / "b3__DI1_quotes.json").write_bytes(BODY)
    response = b3_di1_quotes.replay(tmp_path, request)
    assert response.status_code == 200 and response.content == BODY
    other = httpx.Request("GET", "https://www2.bmf.com.br/pages/portal/x.asp")
    assert b3_di1_quotes.replay(tmp_path, other) is None
