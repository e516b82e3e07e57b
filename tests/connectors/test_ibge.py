"""IBGE SIDRA ``/values``: saved payloads, malformed bodies, vintages, real HTTP and replay of
the sample files.

The fixtures under tests/fixtures/ibge have SIDRA's exact JSON shape (header row first, every
value a string); the IPCA values are the published 2024 ones as remembered, the others realistic
but hand-written (the format matters more than the exact numbers).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from macro_models.catalog import series as catalog
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.ibge import SERIES, IbgeSidraFetcher, SidraQuery, replay
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_ibge import ibge_files
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ibge"
BASE = "https://apisidra.ibge.gov.br"
IPCA_PATH = "/values/t/7060/n1/all/v/63/p/202401-202406/c315/7169"
IPCA = (FIXTURES / "ibge__ipca_7169_h1_2024.json").read_bytes()
GDP = (FIXTURES / "ibge__gdp_qoq_sa_h1_2024.json").read_bytes()
PNAD = (FIXTURES / "ibge__pnad_unemployment_h1_2024.json").read_bytes()
FETCHED = datetime(2024, 9, 2, 12, 0, tzinfo=UTC)
TABLE = "bronze.ibge__sidra_values"


@pytest.fixture(autouse=True)
def pending_catalog():
    """The catalog with this source's rows (merged into series_catalog.csv)."""
    catalog.load_catalog.cache_clear()
    yield
    catalog.load_catalog.cache_clear()


def _payload(body: bytes, code: str = "ipca_7169", path: str = IPCA_PATH,
             fetched: datetime = FETCHED) -> RawPayload:  # fmt: skip
    return RawPayload("ibge", code, {"url": BASE + path}, body, "application/json", fetched)


HEADER, *ROWS = json.loads(IPCA)


def _doc(*rows: dict, header: dict | None = None) -> bytes:
    return json.dumps([header or HEADER, *rows], ensure_ascii=False).encode()


def _row(**over) -> dict:
    return {**ROWS[0], **over}


def _bronze(engine) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(
            f"select table_id, variable_id, classification, category, period, observation_date, "
            f"value, known_at from {TABLE} order by period, known_at")))  # fmt: skip


# --- transform on saved payloads ------------------------------------------------------------


def test_transform_ipca_general_index() -> None:
    recs = IbgeSidraFetcher.transform_data(_payload(IPCA))
    assert [(r.period, r.observation_date, r.value) for r in recs[:2]] == [
        ("202401", date(2024, 1, 1), Decimal("0.42")),
        ("202402", date(2024, 2, 1), Decimal("0.83")),
    ]
    assert {(r.table_id, r.variable_id, r.classification, r.category) for r in recs} == {
        (7060, 63, "315", "7169")
    }


def test_transform_quarterly_gdp_and_rolling_pnad() -> None:
    gdp = IbgeSidraFetcher.transform_data(
        _payload(GDP, "gdp_qoq_sa", "/values/t/5932/n1/all/v/6564/p/202401-202402/c11255/90707")
    )
    assert [(r.period, r.observation_date) for r in gdp] == [
        ("202401", date(2024, 1, 1)), ("202402", date(2024, 4, 1)),
    ]  # fmt: skip
    pnad = IbgeSidraFetcher.transform_data(
        _payload(PNAD, "pnad_unemployment", "/values/t/6381/n1/all/v/4099/p/202401-202406")
    )
    assert pnad[-1].period == "202406" and pnad[-1].value == Decimal("6.9")
    assert pnad[-1].classification == pnad[-1].category == ""


def test_not_available_values_are_skipped() -> None:
    recs = IbgeSidraFetcher.transform_data(_payload(_doc(_row(V="..."), *ROWS[1:])))
    assert len(recs) == len(ROWS) - 1


def test_query_builds_the_periods_of_the_window() -> None:
    q = SidraQuery(code="gdp_qoq_sa", start=date(2014, 1, 2), end=date(2024, 12, 30))
    assert q.path() == "/values/t/5932/n1/all/v/6564/p/201401-202404/c11255/90707"
    q = SidraQuery(code="pnad_unemployment", start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert q.path() == "/values/t/6381/n1/all/v/4099/p/202401-202406"
    with pytest.raises(ValueError, match="unknown IBGE series"):
        SidraQuery(code="ipca_9999", start=date(2024, 1, 1), end=date(2024, 2, 1))
    with pytest.raises(ValueError, match="is after end"):
        SidraQuery(code="ipca_7169", start=date(2024, 2, 1), end=date(2024, 1, 1))


def test_every_series_has_a_catalog_row() -> None:
    assert {s.code for s in catalog.series_for_source("ibge")} == set(SERIES)


MALFORMED = [
    pytest.param(b"", "empty body", id="empty"),
    pytest.param(b"<!DOCTYPE html><html><body>Erro</body></html>", "HTML page", id="html"),
    pytest.param(IPCA[:300], "truncated JSON", id="truncated"),
    pytest.param(
        "Parâmetro p contém períodos inválidos".encode(),
        "invalid or truncated",
        id="plain-text-error",
    ),  # fmt: skip
    pytest.param(b"[]", "not even the header", id="empty-list"),
    pytest.param(b'{"V": "Valor"}', "expected a JSON list", id="object"),
    pytest.param(_doc(*ROWS, header={**HEADER, "V": "Value"}), "header row", id="no-header"),
    pytest.param(
        _doc(*ROWS, header={**HEADER, "D2C": "Ano (Código)"}),
        "lacks the",
        id="renamed-period-dimension",
    ),  # fmt: skip
    pytest.param(
        _doc({k: v for k, v in ROWS[0].items() if k != "D2C"}), "lacks one of", id="missing-field"
    ),  # fmt: skip
    pytest.param(_doc(_row(V="0,42")), "comma decimal", id="comma-decimal"),
    pytest.param(_doc(_row(V="-")), "missing", id="dash-value"),
    pytest.param(_doc(_row(V="")), "missing", id="empty-value"),
    pytest.param(_doc(_row(V="abc")), "not a number", id="text-value"),
    pytest.param(_doc(_row(V=0.42)), "not a string", id="numeric-json-value"),
    pytest.param(_doc(_row(D2C="202413")), "period", id="month-13"),
    pytest.param(_doc(_row(D2C="2024-1")), "six digits", id="bad-period"),
    pytest.param(_doc(_row(D2C="197001")), "out of range", id="period-out-of-range"),
    pytest.param(_doc(_row(D2C="202407")), "outside the requested", id="outside-window"),
    pytest.param(_doc(*ROWS, ROWS[0]), "appears twice", id="duplicate-period"),
    pytest.param(_doc(_row(D3C="2265")), "not 63", id="other-variable"),
    pytest.param(_doc(_row(D4C="7170")), "not 7169", id="other-category"),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        IbgeSidraFetcher.transform_data(_payload(body))


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_load_archives_rejects_and_writes_nothing(clean_db, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        load_payload(clean_db, IbgeSidraFetcher, _payload(body))
    with clean_db.connect() as conn:
        assert conn.execute(text(f"select count(*) from {TABLE}")).scalar() == 0
        archived = conn.execute(text("select count(*) from bronze.raw_payloads")).scalar()
        reasons = list(conn.execute(text("select reason from bronze.payload_rejections")).scalars())
    assert archived == 1 and len(reasons) == 1


def test_idempotent_and_a_revised_value_adds_one_vintage(clean_db) -> None:
    assert load_payload(clean_db, IbgeSidraFetcher, _payload(IPCA)).rows_added == 6
    assert load_payload(clean_db, IbgeSidraFetcher, _payload(IPCA)).rows_added == 0
    rows = _bronze(clean_db)
    # Catalog rule: January's IPCA ten B3 business days after 31 Jan, 09:00 Sao Paulo.
    assert rows[0].known_at == datetime(2024, 2, 16, 12, 0, tzinfo=UTC)
    later = datetime(2024, 9, 9, 15, 0, tzinfo=UTC)
    revised = IPCA.replace(b'"V": "0.83"', b'"V": "0.84"')
    assert (
        load_payload(clean_db, IbgeSidraFetcher, _payload(revised, fetched=later)).rows_added == 1
    )
    feb = [r for r in _bronze(clean_db) if r.period == "202402"]
    assert [r.value for r in feb] == [Decimal("0.83"), Decimal("0.84")]
    assert feb[1].known_at == later


# --- real HTTP and replay ---------------------------------------------------------------------


def test_extract_over_real_http(clean_db, sgs_server) -> None:
    sgs_server.route(IPCA_PATH, Reply(body=IPCA))
    query = IbgeSidraFetcher.transform_query(
        {"code": "ipca_7169", "start": date(2024, 1, 1), "end": date(2024, 6, 30)}
    )
    with httpx.Client(timeout=5, trust_env=False) as client:
        payloads = IbgeSidraFetcher.extract_data(query, client, sgs_server.base_url)
    assert sgs_server.requests == [(IPCA_PATH, {})]
    assert load_payload(clean_db, IbgeSidraFetcher, payloads[0]).rows_added == 6


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ibge_sample")
    for name, doc in ibge_files(date(2014, 1, 2), date(2024, 12, 30), 7).items():
        (out / name).write_text(json.dumps(doc, ensure_ascii=False))
    return out


@pytest.mark.parametrize(
    ("code", "n"), [("ipca_7169", 12), ("ipca_7625", 12), ("pnad_unemployment", 12),
                    ("gdp_qoq_sa", 4)],
)  # fmt: skip
def test_replay_serves_the_window_and_loads(clean_db, sample_dir: Path, code: str, n: int) -> None:
    query = SidraQuery(code=code, start=date(2023, 1, 1), end=date(2023, 12, 31))
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: replay(sample_dir, r) or httpx.Response(418))
    )
    with client:
        payloads = IbgeSidraFetcher.extract_data(query, client, BASE)
    assert load_payload(clean_db, IbgeSidraFetcher, payloads[0]).rows_added == n
    assert {r.observation_date.year for r in _bronze(clean_db)} == {2023}


def test_replay_ignores_other_requests(sample_dir: Path) -> None:
    assert (
        replay(sample_dir, httpx.Request("GET", "https://x/dados/serie/bcdata.sgs.1/dados")) is None
    )
    bad = httpx.Request("GET", BASE + "/values/t/1/n1/all/v/2/p/202401-202402")
    assert replay(sample_dir, bad).status_code == 400


def test_sample_is_deterministic_modest_and_plausible() -> None:
    a = ibge_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert a == ibge_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert sorted(a) == sorted(f"ibge__{c}.json" for c in SERIES)
    assert sum(len(d) for d in a.values()) < 20_000
    pnad = [float(r["V"]) for r in a["ibge__pnad_unemployment.json"][1:]]
    assert 5 < min(pnad) and max(pnad) < 15
