"""BCB PTAX (Olinda ``CotacaoMoedaPeriodo``): saved payloads, malformed bodies, vintages, paging
over real HTTP, replay of the sample files and tidy CSV loads.

The fixtures under tests/fixtures/bcb_ptax have Olinda's exact JSON shape; their rates are
realistic but hand-written (the format matters more than the exact numbers).
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import Engine, text

from macro_models.catalog import load_catalog
from macro_models.catalog.series import SeriesSpec
from macro_models.connectors.base import RawPayload
from macro_models.connectors.bcb_ptax import (
    CLOSING,
    FUNCTION,
    SERVICE_PATH,
    BcbPtaxFetcher,
    PtaxQuery,
    csv_record,
    replay,
)
from macro_models.connectors.errors import ConnectorError, PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_bcb_ptax import SAMPLE_CURRENCIES, bcb_ptax_files, usd_closing
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bcb_ptax"
PATH = SERVICE_PATH + FUNCTION
URL = "https://olinda.bcb.gov.br" + PATH
SP = ZoneInfo("America/Sao_Paulo")
WINDOW = (date(2024, 1, 2), date(2024, 1, 5))
FETCHED = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
USD_JAN = (FIXTURES / "bcb_ptax__USD_jan2024.json").read_bytes()


def _params(lo: date, hi: date) -> dict[str, str]:
    return {"@moeda": "'USD'", "@dataInicial": f"'{lo:%m-%d-%Y}'",
            "@dataFinalCotacao": f"'{hi:%m-%d-%Y}'", "$top": "10000", "$skip": "0",
            "$format": "json"}  # fmt: skip


def _payload(body: bytes, item: str = "USD", fetched: datetime = FETCHED) -> RawPayload:
    return RawPayload(
        source="bcb_ptax",
        item=item,
        request={"url": URL, "params": _params(*WINDOW)},
        body=body,
        content_type="application/json",
        fetched_at=fetched,
    )


def _doc(*rows: dict) -> bytes:
    return json.dumps({"@odata.context": "x", "value": list(rows)}, ensure_ascii=False).encode()


def _row(**over) -> dict:
    row = {"paridadeCompra": 1.0, "paridadeVenda": 1.0, "cotacaoCompra": 4.891,
           "cotacaoVenda": 4.8916, "dataHoraCotacao": "2024-01-02 13:04:30.386",
           "tipoBoletim": "Fechamento"}  # fmt: skip
    row.update(over)
    return row


@pytest.fixture
def db(clean_db: Engine) -> Engine:
    with clean_db.begin() as conn:
        conn.execute(text("truncate bronze.bcb_ptax__quotes"))
    return clean_db


def _bronze(engine: Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select currency, quote_date, bulletin_type, bulletin_seq, quoted_at, bid, ask, "
                "parity_bid, parity_ask, known_at from bronze.bcb_ptax__quotes "
                "order by quote_date, quoted_at, bulletin_type, known_at"
            )
        ).all()


def test_transform_orders_the_days_bulletins_and_names_the_closing() -> None:
    records = BcbPtaxFetcher.transform_data(_payload(USD_JAN))
    assert len(records) == 20
    jan2 = sorted(
        (r for r in records if r.quote_date == date(2024, 1, 2)), key=lambda r: r.quoted_at
    )
    assert [(r.bulletin_type, r.bulletin_seq) for r in jan2] == [
        ("Abertura", 1), ("Intermediário", 1), ("Intermediário", 2), ("Intermediário", 3),
        (CLOSING, 1),
    ]  # fmt: skip
    closing = jan2[-1]
    assert (closing.bid, closing.ask) == (Decimal("4.8910"), Decimal("4.8916"))
    assert closing.quoted_at == datetime(2024, 1, 2, 13, 4, 30, 386000, tzinfo=SP)
    assert jan2[2].quoted_at.microsecond == 410000  # "12:06:28.41": trailing zero dropped
    assert (closing.parity_bid, closing.parity_ask) == (Decimal("1.0"), Decimal("1.0"))
    assert BcbPtaxFetcher.record_known_at(closing) == datetime(2024, 1, 2, 16, 4, 30, 386000, UTC)


def test_transform_keeps_the_parities_of_a_cross_rate() -> None:
    body = (FIXTURES / "bcb_ptax__EUR_20240102.json").read_bytes()
    records = BcbPtaxFetcher.transform_data(_payload(body, "EUR"))
    closing = next(r for r in records if r.bulletin_type == CLOSING)
    assert (closing.currency, closing.ask, closing.parity_ask) == (
        "EUR", Decimal("5.3563"), Decimal("1.0950"),
    )  # fmt: skip


def test_query_refuses_non_ptax_currencies_and_splits_at_year_ends() -> None:
    with pytest.raises(ValueError, match="PTAX currencies are AUD, CAD"):
        PtaxQuery(currency="CNY", start=date(2024, 1, 1), end=date(2024, 2, 1))
    with pytest.raises(ValueError, match="after end"):
        PtaxQuery(currency="USD", start=date(2024, 2, 1), end=date(2024, 1, 1))
    query = BcbPtaxFetcher.transform_query(
        {"code": "EUR", "start": date(2022, 12, 1), "end": date(2024, 1, 31)}
    )
    assert query.currency == "EUR"
    assert query.windows() == [
        (date(2022, 12, 1), date(2022, 12, 31)),
        (date(2023, 1, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 31)),
    ]


MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(b" \r\n ", "empty body", id="whitespace-body"),
    pytest.param(b"<html><body>503 Service Unavailable</body></html>", "HTML page", id="html"),
    pytest.param(USD_JAN[:-40], "invalid or truncated JSON", id="truncated"),
    pytest.param(
        b'{"error":{"code":"400","message":"Parametro invalido"}}',
        "an OData error object",
        id="odata-error",
    ),
    pytest.param(b"[1, 2]", "expected a JSON object, got list", id="list"),
    pytest.param(b'{"@odata.context":"x"}', "no 'value' list", id="no-value"),
    pytest.param(b'{"value":"USD"}', "no 'value' list", id="value-not-list"),
    pytest.param(_doc(["4.8916"]), "record 0 lacks", id="record-not-object"),
    pytest.param(
        _doc({k if k != "cotacaoVenda" else "valorVenda": v for k, v in _row().items()}),
        r"record 0 lacks \['cotacaoVenda'\]",
        id="renamed-field",
    ),
    pytest.param(_doc(_row(cotacaoVenda="4,8916")), "comma decimal separator", id="comma"),
    pytest.param(_doc(_row(cotacaoVenda="4.8916")), "a string, not a JSON number", id="string"),
    pytest.param(_doc(_row(cotacaoVenda="-")), "cotacaoVenda is missing", id="dash"),
    pytest.param(_doc(_row(cotacaoVenda="")), "cotacaoVenda is missing", id="empty-value"),
    pytest.param(_doc(_row(cotacaoCompra=None)), "cotacaoCompra is missing", id="null-value"),
    pytest.param(_doc(_row()).replace(b"4.8916", b"NaN"), "not a positive finite number", id="nan"),
    pytest.param(_doc(_row(cotacaoVenda=-4.89)), "not a positive finite", id="negative"),
    pytest.param(
        _doc(_row(dataHoraCotacao="2024-01-02T13:04:30.386")),
        "is not 'YYYY-MM-DD HH:MM:SS.fff'",
        id="iso-timestamp",
    ),
    pytest.param(
        _doc(_row(dataHoraCotacao="2024-02-30 13:04:30.386")), "not a valid time", id="bad-day"
    ),
    pytest.param(
        _doc(_row(dataHoraCotacao="2024-01-08 13:04:30.386")),
        "outside the requested window",
        id="outside-window",
    ),
    pytest.param(
        _doc(_row(dataHoraCotacao="1970-01-02 13:04:30.386")), "out of range", id="out-of-range"
    ),
    pytest.param(_doc(_row(tipoBoletim="Fechamento Extra")), "unknown tipoBoletim", id="type"),
    pytest.param(_doc(_row(), _row()), "#1 of 2024-01-02 appears twice", id="duplicate"),
    pytest.param(
        _doc(_row(), _row(dataHoraCotacao="2024-01-02 13:05:30.386", tipoBoletim="Fechamento")),
        "Fechamento PTAX #1 of 2024-01-02 appears twice",
        id="two-closings",
    ),
    pytest.param(
        _doc(
            _row(dataHoraCotacao="2024-01-02 12:04:30.1", tipoBoletim="Intermediário"),
            _row(dataHoraCotacao="2024-01-02 12:09:30.1", tipoBoletim="Intermediário"),
        ),
        "Intermediário #2 of 2024-01-02 appears twice",
        id="two-bulletins-in-one-window",
    ),
    pytest.param(_doc(_row(cotacaoCompra=4.9)), "is above the ask", id="crossed"),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        BcbPtaxFetcher.transform_data(_payload(body))
    assert str(info.value).startswith("bcb_ptax USD: ")
    assert "@dataInicial='01-02-2024'" in str(info.value)


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_load_archives_rejects_and_writes_nothing(db: Engine, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        load_payload(db, BcbPtaxFetcher, _payload(body))
    assert _bronze(db) == []
    with db.connect() as conn:
        archived = conn.execute(text("select * from bronze.raw_payloads")).one()
        rejection = conn.execute(text("select * from bronze.payload_rejections")).one()
    assert gzip.decompress(archived.body_gzip) == body
    assert (archived.source, archived.item) == ("bcb_ptax", "USD")
    assert rejection.payload_id == archived.payload_id
    assert re.search(reason, rejection.reason)


def test_a_payload_for_an_unknown_currency_is_rejected(db: Engine) -> None:
    with pytest.raises(ConnectorError, match="'XYZ' is not a PTAX currency"):
        load_payload(db, BcbPtaxFetcher, _payload(USD_JAN, "XYZ"))
    assert _bronze(db) == []


def test_bulletins_are_known_at_their_own_time_and_loads_are_idempotent(db: Engine) -> None:
    first = load_payload(db, BcbPtaxFetcher, _payload(USD_JAN))
    again = load_payload(db, BcbPtaxFetcher, _payload(USD_JAN, fetched=FETCHED.replace(day=4)))
    assert (first.rows_added, again.rows_added) == (20, 0)
    rows = _bronze(db)
    assert len(rows) == 20
    assert all(r.known_at == r.quoted_at for r in rows)
    closing = [r for r in rows if r.bulletin_type == CLOSING]
    assert [r.ask for r in closing] == [
        Decimal(x) for x in ("4.8916", "4.9212", "4.9027", "4.8891")
    ]
    assert closing[0].known_at == datetime(2024, 1, 2, 16, 4, 30, 386000, tzinfo=UTC)


def test_a_corrected_bulletin_adds_one_vintage_known_when_fetched(db: Engine) -> None:
    load_payload(db, BcbPtaxFetcher, _payload(USD_JAN))
    corrected = USD_JAN.replace(b'"cotacaoVenda":4.9212', b'"cotacaoVenda":4.9222')
    later = datetime(2024, 6, 10, 15, 0, tzinfo=UTC)
    assert load_payload(db, BcbPtaxFetcher, _payload(corrected, fetched=later)).rows_added == 1
    jan3 = [
        r for r in _bronze(db) if r.quote_date == date(2024, 1, 3) and r.bulletin_type == CLOSING
    ]
    assert [(r.ask, r.known_at) for r in jan3] == [
        (Decimal("4.9212"), jan3[0].quoted_at),
        (Decimal("4.9222"), later),
    ]


def test_extract_pages_over_real_http(db: Engine, sgs_server) -> None:
    rows = json.loads(USD_JAN)["value"]
    pages = [rows[:10], rows[10:], []]
    sgs_server.route(PATH, *(Reply(body=_doc(*p)) for p in pages))
    query = BcbPtaxFetcher.transform_query({"code": "USD", "start": WINDOW[0], "end": WINDOW[1],
                                            "page_size": 10})  # fmt: skip
    with httpx.Client(timeout=5, trust_env=False) as client:
        payloads = BcbPtaxFetcher.extract_data(query, client, sgs_server.base_url)
    assert [path for path, _ in sgs_server.requests] == [PATH] * 3
    assert [p["$skip"] for _, p in sgs_server.requests] == ["0", "10", "20"]
    first = sgs_server.requests[0][1]
    assert first == {**_params(*WINDOW), "$top": "10"}
    added = [load_payload(db, BcbPtaxFetcher, p).rows_added for p in payloads]
    assert added == [10, 10, 0]
    with db.connect() as conn:
        archived = conn.execute(text("select request from bronze.raw_payloads limit 1")).scalar()
    assert archived["url"] == sgs_server.base_url + PATH
    assert archived["params"]["@moeda"] == "'USD'"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ptax_sample")
    for name, doc in bcb_ptax_files(date(2023, 10, 2), date(2024, 1, 31), 7).items():
        (out / name).write_text(json.dumps(doc, ensure_ascii=False))
    return out


def _replay_client(directory: Path) -> httpx.Client:
    return httpx.Client(
        transport=httpx.MockTransport(lambda r: replay(directory, r) or httpx.Response(418))
    )


def test_replay_answers_from_the_sample_files(db: Engine, sample_dir: Path) -> None:
    start, end = date(2023, 12, 20), date(2024, 1, 10)
    query = PtaxQuery(currency="USD", start=start, end=end, page_size=7)
    with _replay_client(sample_dir) as client:
        payloads = BcbPtaxFetcher.extract_data(query, client, "https://olinda.bcb.gov.br")
    for p in payloads:
        load_payload(db, BcbPtaxFetcher, p)
    closing = {r.quote_date: r.ask for r in _bronze(db) if r.bulletin_type == CLOSING}
    expected = {d: v for d, v in usd_closing(date(2023, 10, 2), date(2024, 1, 31), 7).items()
                if start <= d <= end}  # fmt: skip
    assert closing == {d: Decimal(str(v)) for d, v in expected.items()}  # same as SGS 1
    assert len(_bronze(db)) == 5 * len(expected)


def test_replay_ignores_other_requests_and_404s_unknown_currencies(sample_dir: Path) -> None:
    assert (
        replay(sample_dir, httpx.Request("GET", "https://x/dados/serie/bcdata.sgs.1/dados")) is None
    )
    unknown = httpx.Request("GET", URL, params={"@moeda": "'SEK'"})
    assert replay(sample_dir, unknown).status_code == 404


def test_sample_is_deterministic_modest_and_coherent() -> None:
    a = bcb_ptax_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert sorted(a) == sorted(f"bcb_ptax__{c}.json" for c in SAMPLE_CURRENCIES)
    assert sum(len(doc["value"]) for doc in a.values()) < 60_000
    b = bcb_ptax_files(date(2023, 10, 2), date(2024, 1, 31), 7)
    c = bcb_ptax_files(date(2023, 10, 2), date(2024, 1, 31), 7)
    assert b == c
    usd = [r["cotacaoVenda"] for r in a["bcb_ptax__USD.json"]["value"]
           if r["tipoBoletim"] == "Fechamento"]  # fmt: skip
    assert 2.0 < usd[0] < 2.8 and 5.0 < usd[-1] < 7.0


@pytest.fixture
def registered() -> dict[str, SeriesSpec]:
    """This source's catalogued series (merged into series_catalog.csv, also the dbt seed)."""
    specs = {sid: s for sid, s in load_catalog().items() if s.source == "bcb_ptax"}
    assert specs, "the catalog lists this source's series"
    return specs


def test_tidy_csv_rows_are_closing_asks_known_by_the_catalog_rule(
    db: Engine, registered, tmp_path: Path
) -> None:
    from macro_models.catalog import get_series
    from macro_models.connectors.ingest import ingest_csv_file

    path = tmp_path / "bcb_ptax__USD.csv"
    path.write_text("date,value\n2024-01-02,4.8916\n2024-01-03,4.9212\n")
    assert ingest_csv_file(db, path).rows_added == 2
    rows = _bronze(db)
    spec = registered.get("bcb_ptax__USD") or get_series("bcb_ptax__USD")
    assert [r.known_at for r in rows] == [spec.known_at(r.quote_date) for r in rows]
    assert rows[0].known_at == datetime(2024, 1, 2, 16, 30, tzinfo=UTC)  # 13:30 Sao Paulo
    shape = [(r.bulletin_type, r.bid, r.quoted_at.astimezone(SP).strftime("%H:%M")) for r in rows]
    assert shape == [(CLOSING, None, "13:10")] * 2
    # The API's closing bulletin of the same day adds its bid and parities as a new vintage.
    load_payload(db, BcbPtaxFetcher, _payload(USD_JAN))
    jan2 = [
        r for r in _bronze(db) if r.quote_date == date(2024, 1, 2) and r.bulletin_type == CLOSING
    ]
    assert [r.bid for r in sorted(jan2, key=lambda r: r.known_at)] == [None, Decimal("4.8910")]


def test_tidy_csv_of_an_unknown_currency_is_rejected(db: Engine, registered, tmp_path) -> None:
    from macro_models.connectors.ingest import ingest_csv_file

    path = tmp_path / "bcb_ptax__BRL.csv"
    path.write_text("date,value\n2024-01-02,1.0\n")
    with pytest.raises(PayloadError, match="unknown PTAX currency 'BRL'"):
        ingest_csv_file(db, path)
    with pytest.raises(PayloadError, match="rates must be positive"):
        csv_record("USD", date(2024, 1, 2), Decimal("-1"))
