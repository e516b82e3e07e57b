"""Tesouro Direto prices and rates: saved file, malformed files, vintages, real HTTP, replay.

tests/fixtures/tesouro/PrecoTaxaTesouroDireto.csv is in the file's recorded format (';'
separated, decimal commas, DD/MM/YYYY dates, the published header, CRLF line ends, 0,00 buy
columns for a bond not offered); its numbers are realistic for the turn of 2024, not a copy
of Tesouro Transparente's file: the format matters more than the exact values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from macro_models.connectors import tesouro
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_tesouro import first_sample_day, tesouro_files
from macro_models.connectors.tesouro import (
    CSV_PATH,
    TesouroFetcher,
    TesouroQuery,
    record_known_at,
)
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "tesouro"
TABLE = "bronze.tesouro__prices"
FILE = (FIXTURES / "PrecoTaxaTesouroDireto.csv").read_bytes()
FETCHED = datetime(2024, 1, 5, 12, 0, tzinfo=UTC)
BASE = "https://www.tesourotransparente.gov.br"
KNOWN_0102 = datetime(2024, 1, 2, 12, 30, tzinfo=UTC)  # 09:30 Sao Paulo
WINDOW_0102 = {"start": "2024-01-02", "end": "2024-01-02"}


def _payload(body: bytes, window: dict | None = None, fetched: datetime = FETCHED) -> RawPayload:
    request = {"url": BASE + CSV_PATH, "window": window or WINDOW_0102}
    return RawPayload("tesouro", "all", request, body, "text/csv", fetched)


def _edit(old: str, new: str, body: bytes = FILE) -> bytes:
    text_ = body.decode("utf-8")
    assert old in text_, old
    return text_.replace(old, new, 1).encode("utf-8")


def _rows(engine: Engine) -> list:
    with engine.connect() as conn:
        sql = f"select * from {TABLE} order by base_date, bond_name, maturity_date, known_at"
        return list(conn.execute(text(sql)))


@pytest.fixture
def db(clean_db: Engine) -> Engine:
    with clean_db.begin() as conn:
        conn.execute(text(f"truncate {TABLE}"))
    return clean_db


# --- transform_data on a saved file ----------------------------------------------------------


def test_transform_keeps_the_window_rows() -> None:
    recs = TesouroFetcher.transform_data(_payload(FILE))
    assert len(recs) == 9  # 29 December 2023 and 3 January 2024 are outside the window
    assert {r.base_date for r in recs} == {date(2024, 1, 2)}
    ipca = next(r for r in recs if r.bond_name == "Tesouro IPCA+ com Juros Semestrais")
    assert (ipca.maturity_date, ipca.buy_rate, ipca.sell_rate) == (
        date(2035, 5, 15),
        Decimal("5.55"),
        Decimal("5.67"),
    )
    assert (ipca.buy_pu, ipca.sell_pu, ipca.base_pu) == (
        Decimal("4280.59"),
        Decimal("4238.32"),
        Decimal("4237.38"),
    )
    selic_24 = next(r for r in recs if r.maturity_date == date(2024, 3, 1))
    assert (selic_24.buy_rate, selic_24.buy_pu) == (Decimal("0.00"), Decimal("0.00"))
    assert "Tesouro Renda+ Aposentadoria Extra" in {r.bond_name for r in recs}
    # A file loaded without a window keeps every row; a Windows-1252 copy parses the same.
    whole = RawPayload("tesouro", "all", {"file": "PrecoTaxaTesouroDireto.csv"}, FILE)
    assert len(TesouroFetcher.transform_data(whole)) == 13
    cp1252 = FILE.decode("utf-8").encode("cp1252")
    assert TesouroFetcher.transform_data(_payload(cp1252)) == recs
    bom = b"\xef\xbb\xbf" + FILE
    assert TesouroFetcher.transform_data(_payload(bom)) == recs


def test_a_window_without_rows_is_a_valid_empty_answer() -> None:
    window = {"start": "2015-03-02", "end": "2015-03-06"}
    assert TesouroFetcher.transform_data(_payload(FILE, window)) == []


def test_query_is_one_request_for_every_bond() -> None:
    q = TesouroFetcher.transform_query(
        {"code": "curve", "start": date(2024, 1, 2), "end": date(2024, 1, 5)}
    )
    assert q.code == "all" and TesouroFetcher.one_request_for_all_codes
    with pytest.raises(ValueError, match="code must be 'all'"):
        TesouroQuery(code="Tesouro Selic", start=date(2024, 1, 2), end=date(2024, 1, 2))
    with pytest.raises(ValueError, match="after end"):
        TesouroQuery(start=date(2024, 1, 3), end=date(2024, 1, 2))
    with pytest.raises(ValueError, match="starts on 2002"):
        TesouroQuery(start=date(2001, 1, 3), end=date(2001, 12, 2))


def test_known_at_is_09h30_sao_paulo_on_the_base_date() -> None:
    rec = TesouroFetcher.transform_data(_payload(FILE))[0]
    assert record_known_at(rec) == KNOWN_0102


# --- malformed files: refused with a reason, archived, nothing written -----------------------

SELIC29 = "Tesouro Selic;01/03/2029;02/01/2024;0,16;0,20;14006,51;13979,39;13976,32"
FIRST_ROW = FILE.index(b"Tesouro IPCA+ com")

MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(b"\r\n  \r\n", "empty body", id="whitespace-body"),
    pytest.param(
        b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
        "an HTML page.*502 Bad Gateway",
        id="html-error-page",
    ),
    pytest.param(FILE[:FIRST_ROW], "not followed by any row", id="header-only"),
    pytest.param(FILE[: FILE.index(SELIC29.encode()) + 40], "has 4 fields", id="truncated"),
    pytest.param(
        _edit("Taxa Compra Manha", "Taxa Compra"), "unexpected header", id="renamed-column"
    ),
    pytest.param(_edit(";PU Base Manha", ""), "unexpected header", id="missing-column"),
    pytest.param(FILE.replace(b";", b","), "unexpected header", id="comma-separated"),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("13979,39", "13979.39")),
        "Tesouro Selic 2029-03-01 on 2024-01-02 PU Venda Manha '13979.39' uses a '.' decimal",
        id="dot-decimal",
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("0,20", "-")), "Taxa Venda Manha is missing", id="dash"
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("0,20", "")), "Taxa Venda Manha is missing", id="empty"
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("0,20", "20,00,0")), "not a number in the format", id="nan"
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("0,20", "120")), r"outside -5\.\.50", id="rate-out-of-range"
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("14006,51", "-14006,51")), "is negative", id="negative-pu"
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("02/01/2024", "2024-01-02")),
        "Data Base '2024-01-02' is not DD/MM/YYYY",
        id="iso-date",
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("02/01/2024", "02/01/2099")),
        "base date 2099-01-02 is out of range",
        id="future-date",
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("01/03/2029", "01/03/2023")),
        "matured before its base date",
        id="matured-bond",
    ),
    pytest.param(
        _edit(SELIC29, SELIC29 + "\r\n" + SELIC29),
        "Tesouro Selic 2029-03-01 on 2024-01-02 appears twice",
        id="duplicated-row",
    ),
    pytest.param(
        _edit(SELIC29, SELIC29.replace("Tesouro Selic", "LFT")),
        "'LFT' is not a Tesouro Direto bond name",
        id="not-a-td-name",
    ),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_malformed_files_fail_and_write_nothing(db, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        load_payload(db, TesouroFetcher, _payload(body))
    assert "tesouro all" in str(info.value) and "PrecoTaxaTesouroDireto.csv" in str(info.value)
    with db.connect() as conn:
        assert conn.execute(text(f"select count(*) from {TABLE}")).scalar() == 0
        assert conn.execute(text("select count(*) from bronze.raw_payloads")).scalar() == 1
        rejected = conn.execute(text("select reason from bronze.payload_rejections")).scalars()
        assert [str(info.value)] == list(rejected)


# --- vintages -------------------------------------------------------------------------------


def test_same_file_twice_adds_nothing_and_a_changed_price_adds_a_vintage(db) -> None:
    first = load_payload(db, TesouroFetcher, _payload(FILE))
    again = load_payload(db, TesouroFetcher, _payload(FILE, fetched=FETCHED + timedelta(days=1)))
    assert (first.rows_added, again.rows_added) == (9, 0)
    rows = _rows(db)
    assert {r.known_at for r in rows} == {KNOWN_0102}
    assert all(r.payload_sha256 and r.loaded_at for r in rows)
    revised_at = FETCHED + timedelta(days=2)
    revised = _edit(SELIC29, SELIC29.replace("13976,32", "13976,40"))
    assert load_payload(db, TesouroFetcher, _payload(revised, fetched=revised_at)).rows_added == 1
    selic = [r for r in _rows(db) if r.maturity_date == date(2029, 3, 1)]
    assert [(r.base_pu, r.known_at) for r in selic] == [
        (Decimal("13976.32"), KNOWN_0102),
        (Decimal("13976.40"), revised_at),
    ]
    # A wider window over the same file adds the other days only.
    wider = _payload(FILE, {"start": "2023-12-01", "end": "2024-01-31"})
    assert load_payload(db, TesouroFetcher, wider).rows_added == 4 + 1  # 4 new rows + SELIC29 back


# --- real HTTP -------------------------------------------------------------------------------


def test_extract_over_real_http_is_one_request(db, sgs_server) -> None:
    sgs_server.route(CSV_PATH, Reply(body=FILE, content_type="text/csv"))
    query = TesouroFetcher.transform_query(
        {"code": "all", "start": date(2023, 12, 29), "end": date(2024, 1, 3)}
    )
    with httpx.Client(timeout=5, trust_env=False) as client:
        payloads = TesouroFetcher.extract_data(query, client, sgs_server.base_url + "/")
    assert sgs_server.requests == [(CSV_PATH, {})]
    (payload,) = payloads
    assert payload.request == {
        "url": sgs_server.base_url + CSV_PATH,
        "window": {"start": "2023-12-29", "end": "2024-01-03"},
    }
    assert payload.body == FILE and payload.content_type == "text/csv"
    assert load_payload(db, TesouroFetcher, payload).rows_added == 13


# --- replay against the sample generator's file ----------------------------------------------

SAMPLE_WINDOW = (date(2024, 7, 1), date(2024, 12, 30))


@pytest.fixture(scope="module")
def sample_file() -> dict[str, str]:
    return tesouro_files(*SAMPLE_WINDOW, seed=7)


def test_replay_serves_the_sample_file(tmp_path, sample_file) -> None:
    for name, body in sample_file.items():
        (tmp_path / name).write_text(body)

    def handler(request: httpx.Request) -> httpx.Response:
        return tesouro.replay(tmp_path, request) or httpx.Response(599)

    query = TesouroQuery(start=date(2024, 12, 2), end=date(2024, 12, 6))
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        (payload,) = TesouroFetcher.extract_data(query, client, BASE)
    recs = TesouroFetcher.transform_data(payload)
    assert {r.base_date for r in recs} == {date(2024, 12, d) for d in (2, 3, 4, 5, 6)}
    names = {r.bond_name for r in recs}
    assert {"Tesouro Prefixado", "Tesouro IPCA+", "Tesouro Selic"} <= names
    offered = [r for r in recs if r.buy_pu > 0]
    assert all(r.buy_rate < r.sell_rate and r.buy_pu > r.sell_pu for r in offered)
    assert any(r.buy_pu == 0 for r in recs)  # Tesouro Selic 2025 in its last six months
    ipca = [float(r.sell_rate) for r in recs if r.bond_name.startswith("Tesouro IPCA+")]
    assert 3 < min(ipca) and max(ipca) < 9
    other = httpx.Request("GET", "https://api.bcb.gov.br/dados/serie/bcdata.sgs.432/dados")
    assert tesouro.replay(tmp_path, other) is None
    empty = tmp_path / "empty"
    empty.mkdir()
    assert tesouro.replay(empty, httpx.Request("GET", BASE + CSV_PATH)).status_code == 404


def test_sample_is_small_and_starts_three_years_back() -> None:
    start, end = date(2014, 1, 2), date(2024, 12, 30)
    assert first_sample_day(start, end) == date(2021, 12, 31)
    (body,) = tesouro_files(start, end, 7).values()
    assert 5_000 < body.count("\n") - 1 < 20_000
