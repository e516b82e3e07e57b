"""B3 DI1 settlements: saved pages, malformed pages, vintages, real HTTP, replay, CSV loads.

The fixtures under tests/fixtures/b3 are in the page's recorded format (ISO-8859-1 HTML, the
tblDadosAjustes table, Brazilian numbers); their numbers are realistic, not a copy of B3's page.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from macro_models.connectors import b3_di1
from macro_models.connectors.b3_di1 import (
    PAGE_PATH,
    B3Di1CsvFetcher,
    B3Di1Fetcher,
    B3Di1Query,
    load_di1_csv,
    page_file_name,
    record_known_at,
)
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_b3 import b3_files, generate_di1
from macro_models.instruments import di1
from tests.conftest import SHARED_DATA
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "b3"
TABLE = "bronze.b3__di1_settlements"
PAGE = (FIXTURES / "b3__DI1_2024-01-02.html").read_bytes()
HOLIDAY = (FIXTURES / "b3__DI1_2024-02-13_holiday.html").read_bytes()
FETCHED = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
HTML = "text/html; charset=iso-8859-1"


def _payload(body: bytes, day: str = "02/01/2024", fetched: datetime = FETCHED) -> RawPayload:
    url = "https://www2.bmf.com.br" + PAGE_PATH
    return RawPayload("b3", "DI1", {"url": url, "params": {"dData1": day}}, body, HTML, fetched)


def _edit(old: str, new: str, body: bytes = PAGE, count: int = 1) -> bytes:
    text_ = body.decode("iso-8859-1")
    assert old in text_, old
    return text_.replace(old, new, count).encode("iso-8859-1")


def _rows(engine: Engine) -> list:
    with engine.connect() as conn:
        return list(
            conn.execute(text(f"select * from {TABLE} order by trade_date, ticker, known_at"))
        )


@pytest.fixture
def db(clean_db: Engine) -> Engine:
    """clean_db with this source's bronze table emptied too."""
    with clean_db.begin() as conn:
        conn.execute(text(f"truncate {TABLE}"))
    return clean_db


# --- transform_data on saved pages -----------------------------------------------------------


def test_transform_keeps_the_di1_rows_with_derived_maturity_du_and_rate() -> None:
    recs = B3Di1Fetcher.transform_data(_payload(PAGE))
    assert len(recs) == 19  # DAP, DDI, DOL and IND rows are skipped
    assert [r.ticker for r in recs[:4]] == ["DI1F24", "DI1G24", "DI1H24", "DI1J24"]
    assert {r.trade_date for r in recs} == {date(2024, 1, 2)}
    f24, g24 = recs[0], recs[1]
    # F24 matures on the trade date (1 January is a holiday): du 0, PU 100000, no rate.
    assert (f24.maturity_date, f24.business_days, f24.settlement_pu) == (
        date(2024, 1, 2),
        0,
        Decimal("100000.00"),
    )
    assert f24.implied_rate_pct is None
    assert (g24.maturity_date, g24.business_days) == (date(2024, 2, 1), 22)
    assert (g24.settlement_pu, g24.previous_settlement_pu) == (
        Decimal("99042.41"),
        Decimal("99042.13"),
    )
    assert (g24.variation, g24.adjustment_value_brl) == (Decimal("0.28"), Decimal("0.28"))
    assert abs(g24.implied_rate_pct - Decimal("11.652")) < Decimal("0.001")
    h24 = recs[2]  # a fall: the variation is signed, the adjustment value is not
    assert (h24.variation, h24.adjustment_value_brl) == (Decimal("-0.21"), Decimal("0.21"))
    f35 = recs[-1]
    assert (f35.ticker, f35.maturity_date, f35.business_days) == ("DI1F35", date(2035, 1, 2), 2757)
    assert abs(f35.implied_rate_pct - Decimal("10.655")) < Decimal("0.001")


def test_rowspan_and_utf8_variants_of_the_page_parse_the_same() -> None:
    expected = B3Di1Fetcher.transform_data(_payload(PAGE))
    # Continuation rows without the Mercadoria cell, the first cell spanning them.
    spanned = re.sub(r'<td class="text-left"></td>', "", PAGE.decode("iso-8859-1"))
    spanned = spanned.replace('<td class="text-left">DI1', '<td rowspan="19">DI1')
    assert B3Di1Fetcher.transform_data(_payload(spanned.encode("iso-8859-1"))) == expected
    utf8 = PAGE.decode("iso-8859-1").encode("utf-8")
    assert B3Di1Fetcher.transform_data(_payload(utf8)) == expected
    # A page saved from a file has no request params: its date field dates it.
    from_file = RawPayload("b3", "DI1", {"file": "b3__DI1_2024-01-02.html"}, PAGE)
    assert B3Di1Fetcher.transform_data(from_file) == expected


def test_a_page_without_rows_is_a_valid_empty_answer(db) -> None:
    holiday = _payload(HOLIDAY, day="13/02/2024")
    assert B3Di1Fetcher.transform_data(holiday) == []
    assert load_payload(db, B3Di1Fetcher, holiday).rows_added == 0
    with db.connect() as conn:
        assert conn.execute(text("select count(*) from bronze.payload_rejections")).scalar() == 0


def test_query_splits_the_window_into_b3_sessions_and_refuses_bad_input() -> None:
    q = B3Di1Fetcher.transform_query(
        {"code": "DI1", "start": date(2023, 12, 27), "end": date(2024, 1, 3)}
    )
    # 29 December 2023: no session (B3 closes on the last weekday of the year); 1 January.
    assert q.sessions() == [
        date(2023, 12, 27),
        date(2023, 12, 28),
        date(2024, 1, 2),
        date(2024, 1, 3),
    ]
    with pytest.raises(ValueError, match="DI1 rows only"):
        B3Di1Query(code="DOL", start=date(2024, 1, 2), end=date(2024, 1, 2))
    with pytest.raises(ValueError, match="after end"):
        B3Di1Query(start=date(2024, 1, 3), end=date(2024, 1, 2))


def test_known_at_is_19h_sao_paulo_on_the_trade_date() -> None:
    rec = B3Di1Fetcher.transform_data(_payload(PAGE))[1]
    assert record_known_at(rec) == datetime(2024, 1, 2, 22, 0, tzinfo=UTC)


# --- malformed pages: refused with a reason, archived, nothing written ------------------------

G24 = "<td>G24</td><td>99.042,13</td><td>99.042,41</td><td>0,28</td><td>0,28</td>"
F24 = "<td>F24</td><td>100.000,00</td><td>100.000,00</td><td>0,00</td><td>0,00</td>"
DI1_START = PAGE.decode("iso-8859-1").index("DI1 - DI de 1 dia")

MALFORMED = [
    pytest.param(b"", "02/01/2024", "empty body", id="empty-body"),
    pytest.param(b" \r\n\t ", "02/01/2024", "empty body", id="whitespace-body"),
    pytest.param(b"Service Unavailable", "02/01/2024", "not an HTML page", id="plain-text"),
    pytest.param(
        (FIXTURES / "maintenance_page.html").read_bytes(),
        "02/01/2024",
        "without the tblDadosAjustes table .*Sistema indispon",
        id="maintenance-page",
    ),
    pytest.param(PAGE[: DI1_START + 900], "02/01/2024", "truncated HTML", id="truncated"),
    pytest.param(
        _edit("<th>Preço de ajuste Atual</th>", "<th>Preço atual</th>"),
        "02/01/2024",
        "unexpected table header",
        id="renamed-column",
    ),
    pytest.param(
        _edit("<th>Variação</th>\n", ""),
        "02/01/2024",
        "unexpected table header",
        id="missing-column",
    ),
    pytest.param(
        _edit("99.042,41", "99042.41"), "02/01/2024", "'.' decimal separator", id="dot-decimal"
    ),
    pytest.param(
        _edit("99.042,41", "-"), "02/01/2024", "DI1G24 settlement is missing", id="dash-value"
    ),
    pytest.param(
        _edit("<td>0,28</td><td>0,28</td>", "<td></td><td>0,28</td>"),
        "02/01/2024",
        "DI1G24 variation is missing",
        id="empty-value",
    ),
    pytest.param(
        _edit("99.042,41", "99,042.41"),
        "02/01/2024",
        "not a number in the format",
        id="us-number-format",
    ),
    pytest.param(
        PAGE,
        "03/01/2024",
        "the page is for 2024-01-02, outside the requested date",
        id="page-for-another-date",
    ),
    pytest.param(
        _edit('value="02/01/2024"', 'value="2024-01-02"'),
        "02/01/2024",
        "not dd/mm/yyyy",
        id="bad-page-date",
    ),
    pytest.param(
        PAGE.replace(b"02/01/2024", b"02/01/2099"),
        "02/01/2099",
        "out of range",
        id="date-out-of-range",
    ),
    pytest.param(
        _edit(G24, G24 + "</tr>\n<tr><td></td>" + G24),
        "02/01/2024",
        "DI1G24 appears twice",
        id="duplicated-contract",
    ),
    pytest.param(
        _edit(G24, G24.replace("G24", "G2A")), "02/01/2024", "month letter", id="bad-contract-code"
    ),
    pytest.param(
        _edit(G24, G24.replace("G24", "Z23")),
        "02/01/2024",
        "DI1Z23 matured on 2023-12-01, before the trade date",
        id="expired-contract",
    ),
    pytest.param(
        _edit(F24, F24.replace("100.000,00", "99.999,00")),
        "02/01/2024",
        "matures on 2024-01-02 but settles at 99999.00",
        id="pu-at-maturity",
    ),
    pytest.param(
        _edit("99.042,41", "100.500,00"),
        "02/01/2024",
        r"outside \(0, 100000\]",
        id="pu-above-face-value",
    ),
    pytest.param(
        _edit("<td>0,28</td><td>0,28</td>", ""), "02/01/2024", "has 4 cells", id="short-row"
    ),
    pytest.param(
        _edit("DI1 - DI de 1 dia", "DI9 - Outro"),
        "02/01/2024",
        "no DI1 rows among the page's 25",
        id="no-di1-rows",
    ),
]


@pytest.mark.parametrize(("body", "day", "reason"), MALFORMED)
def test_malformed_pages_fail_and_write_nothing(db, body: bytes, day: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        load_payload(db, B3Di1Fetcher, _payload(body, day))
    assert "b3 DI1" in str(info.value) and f"dData1={day}" in str(info.value)
    with db.connect() as conn:
        assert conn.execute(text(f"select count(*) from {TABLE}")).scalar() == 0
        assert conn.execute(text("select count(*) from bronze.raw_payloads")).scalar() == 1
        rejected = conn.execute(text("select reason from bronze.payload_rejections")).scalars()
        assert [str(info.value)] == list(rejected)


# --- vintages -------------------------------------------------------------------------------


def test_same_page_twice_adds_nothing_and_a_changed_settlement_adds_a_vintage(db) -> None:
    first = load_payload(db, B3Di1Fetcher, _payload(PAGE))
    again = load_payload(db, B3Di1Fetcher, _payload(PAGE, fetched=FETCHED + timedelta(days=1)))
    assert (first.rows_added, again.rows_added) == (19, 0)
    rows = _rows(db)
    assert {r.known_at for r in rows} == {datetime(2024, 1, 2, 22, 0, tzinfo=UTC)}
    g24 = next(r for r in rows if r.ticker == "DI1G24")
    assert (g24.maturity_date, g24.business_days, g24.settlement_pu) == (
        date(2024, 2, 1),
        22,
        Decimal("99042.41"),
    )
    assert g24.payload_sha256 and g24.loaded_at is not None
    # B3 republishes G24 with another settlement: one new row, dated when we saw it.
    revised_at = FETCHED + timedelta(days=2)
    revised = _payload(_edit("99.042,41", "99.042,50"), fetched=revised_at)
    assert load_payload(db, B3Di1Fetcher, revised).rows_added == 1
    g24s = [r for r in _rows(db) if r.ticker == "DI1G24"]
    assert [(r.settlement_pu, r.known_at) for r in g24s] == [
        (Decimal("99042.41"), datetime(2024, 1, 2, 22, 0, tzinfo=UTC)),
        (Decimal("99042.50"), revised_at),
    ]


def test_a_derived_field_change_alone_adds_no_vintage(db) -> None:
    load_payload(db, B3Di1Fetcher, _payload(PAGE))
    # Only the settlement PU is compared: a re-published adjustment value is not a new vintage.
    edited = _edit("<td>0,28</td><td>0,28</td>", "<td>0,28</td><td>0,29</td>")
    assert load_payload(db, B3Di1Fetcher, _payload(edited)).rows_added == 0


# --- real HTTP -------------------------------------------------------------------------------


def test_extract_over_real_http_one_request_per_session(db, sgs_server) -> None:
    sgs_server.route(
        PAGE_PATH,
        Reply(body=PAGE, content_type=HTML),
        Reply(body=_empty_page("03/01/2024"), content_type=HTML),
    )
    query = B3Di1Fetcher.transform_query(
        {"code": "DI1", "start": date(2023, 12, 29), "end": date(2024, 1, 3)}
    )
    with httpx.Client(timeout=5, trust_env=False) as client:
        payloads = B3Di1Fetcher.extract_data(query, client, sgs_server.base_url + "/")
    # 29 December 2023 and 1 January 2024 are not sessions: two requests.
    assert sgs_server.requests == [
        (PAGE_PATH, {"dData1": "02/01/2024"}),
        (PAGE_PATH, {"dData1": "03/01/2024"}),
    ]
    assert [p.request["params"] for p in payloads] == [
        {"dData1": "02/01/2024"},
        {"dData1": "03/01/2024"},
    ]
    assert payloads[0].body == PAGE and payloads[0].content_type == HTML
    assert payloads[0].request["url"] == sgs_server.base_url + PAGE_PATH
    added = [load_payload(db, B3Di1Fetcher, p).rows_added for p in payloads]
    assert added == [19, 0]
    with db.connect() as conn:
        archived = conn.execute(text("select request from bronze.raw_payloads order by 1")).all()
    assert len(archived) == 2


def _empty_page(day: str) -> bytes:
    return HOLIDAY.replace(b"13/02/2024", day.encode())


# --- replay against the sample generator's files ---------------------------------------------

WINDOW = (date(2024, 11, 1), date(2024, 12, 30))


@pytest.fixture(scope="module")
def sample_pages() -> dict[str, str]:
    return b3_files(*WINDOW, seed=7)


def _client(directory: Path) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        return b3_di1.replay(directory, request) or httpx.Response(404)

    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda p, t: p.write_bytes(t.encode("iso-8859-1")), id="iso-8859-1"),
        pytest.param(lambda p, t: p.write_text(t, encoding="utf-8"), id="utf-8"),
        pytest.param(lambda p, t: p.write_text(json.dumps(t)), id="json-string"),
    ],
)
def test_replay_serves_the_sample_pages(tmp_path, sample_pages, write) -> None:
    for name, page in sample_pages.items():
        write(tmp_path / name, page)
    query = B3Di1Query(start=date(2024, 12, 20), end=date(2024, 12, 30))
    with _client(tmp_path) as client:
        payloads = B3Di1Fetcher.extract_data(query, client, "https://www2.bmf.com.br")
    assert [p.request["params"]["dData1"] for p in payloads] == [
        "20/12/2024",
        "23/12/2024",
        "26/12/2024",
        "27/12/2024",
        "30/12/2024",
    ]
    assert all(p.content_type == HTML for p in payloads)
    records = [r for p in payloads for r in B3Di1Fetcher.transform_data(p)]
    assert len(records) == 5 * 30
    first = B3Di1Fetcher.transform_data(payloads[0])
    expected = [row[0] for row in generate_di1(*WINDOW, seed=7)[date(2024, 12, 20)]]
    assert [r.ticker[3:] for r in first] == expected


def test_replay_answers_unrecorded_dates_with_an_empty_page_and_ignores_other_paths(
    tmp_path,
) -> None:
    with _client(tmp_path) as client:
        query = B3Di1Query(start=date(2015, 3, 2), end=date(2015, 3, 2))
        (payload,) = B3Di1Fetcher.extract_data(query, client, "https://www2.bmf.com.br")
        assert B3Di1Fetcher.transform_data(payload) == []
        bad = client.get("https://www2.bmf.com.br" + PAGE_PATH, params={"dData1": "2015-03-02"})
        assert bad.status_code == 400
    other = httpx.Request("GET", "https://api.bcb.gov.br/dados/serie/bcdata.sgs.432/dados")
    assert b3_di1.replay(tmp_path, other) is None


def test_sample_curve_is_realistic_and_consistent_day_to_day(sample_pages) -> None:
    pages = generate_di1(*WINDOW, seed=7)
    days = sorted(pages)
    assert days[0] == date(2024, 11, 1) and days[-1] == date(2024, 12, 30)
    assert all(28 <= len(rows) <= 33 for rows in pages.values())
    recs = {
        d: {
            r.ticker: r
            for r in B3Di1Fetcher.transform_data(
                _payload(
                    sample_pages[page_file_name(d)].encode("iso-8859-1"), d.strftime("%d/%m/%Y")
                )
            )
        }
        for d in days
    }
    rates = [
        float(r.implied_rate_pct)
        for day in recs.values()
        for r in day.values()
        if r.implied_rate_pct is not None
    ]
    assert 2.0 < min(rates) and max(rates) < 16.0
    # The previous settlement is the last session's PU carried by the CDI: a little above it.
    for before, after in zip(days, days[1:], strict=False):
        for ticker, rec in recs[after].items():
            if ticker in recs[before] and rec.previous_settlement_pu:
                ratio = rec.previous_settlement_pu / recs[before][ticker].settlement_pu
                assert Decimal("1") <= ratio < Decimal("1.002"), (after, ticker)
                assert rec.variation == rec.settlement_pu - rec.previous_settlement_pu
                assert rec.adjustment_value_brl == abs(rec.variation)


# --- the shared long CSV (date,contract,maturity,value) ---------------------------------------

CSV_BODY = (
    "date,contract,maturity,value\n"
    "2022-03-02,DI1H22,2022-03-01,100000\n"
    "2022-03-02,DI1J22,2022-04-01,99137.04\n"
    "2022-03-02,DI1F23,2023-01-02,91944.64\n"
)


def _csv(body: str) -> RawPayload:
    return RawPayload("b3", "DI1", {"file": "b3__di1_settlement.csv"}, body.encode(), "text/csv")


def test_load_di1_csv_archives_parses_and_upserts(db, tmp_path) -> None:
    path = tmp_path / "b3__di1_settlement.csv"
    path.write_text(CSV_BODY)
    assert load_di1_csv(db, path).rows_added == 3
    assert load_di1_csv(db, path).rows_added == 0
    rows = {r.ticker: r for r in _rows(db)}
    # Their maturity for DI1H22 is Carnival Tuesday; B3's is Ash Wednesday, the trade date.
    assert rows["DI1H22"].maturity_date == date(2022, 3, 2) and rows["DI1H22"].business_days == 0
    assert rows["DI1J22"].business_days == 22 and rows["DI1J22"].previous_settlement_pu is None
    assert rows["DI1J22"].known_at == datetime(2022, 3, 2, 22, 0, tzinfo=UTC)
    with db.connect() as conn:  # the same file is archived once
        assert conn.execute(text("select count(*) from bronze.raw_payloads")).scalar() == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param("", "empty file", id="empty"),
        pytest.param("date,value\n2022-03-02,1\n", "header must be", id="tidy-header"),
        pytest.param(CSV_BODY.replace("99137.04", '"99137,04"'), "not a dot-decimal", id="comma"),
        pytest.param(CSV_BODY.replace("99137.04", "-"), "not a dot-decimal", id="dash"),
        pytest.param(
            CSV_BODY.replace("2022-04-01", "2022-04-04"),
            "maturity 2022-04-04",
            id="other-maturity-rule",
        ),
        pytest.param(CSV_BODY.replace("DI1F23", "DOLF23"), "not a DI1 contract", id="not-di1"),
        pytest.param(
            CSV_BODY + "2022-03-02,DI1J22,2022-04-01,99137.05\n", "repeats DI1J22", id="duplicate"
        ),
        pytest.param(CSV_BODY.replace(",100000", ",99990"), "not 100000", id="pu-at-maturity"),
        pytest.param(
            CSV_BODY.replace("2022-03-02,DI1F23", "02/03/2022,DI1F23"), "YYYY-MM-DD", id="bad-date"
        ),
    ],
)
def test_malformed_csv_fails_and_writes_nothing(db, body: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        load_payload(db, B3Di1CsvFetcher, _csv(body))
    with db.connect() as conn:
        assert conn.execute(text(f"select count(*) from {TABLE}")).scalar() == 0


@pytest.mark.realdata
def test_the_shared_real_file_loads_whole(db) -> None:
    path = SHARED_DATA / "b3__di1_settlement.csv"
    if not path.exists():
        pytest.skip("../shared/data is absent")
    assert load_di1_csv(db, path).rows_added == 3897
    with db.connect() as conn:
        stats = conn.execute(
            text(
                f"select count(*) filter (where business_days = 0), min(implied_rate_pct), "
                f"max(implied_rate_pct) from {TABLE}"
            )
        ).one()
    assert stats[0] == 11 and 1 < stats[1] and stats[2] < 15
    assert di1.maturity_date("DI1F21") == date(2021, 1, 4)


def test_sample_di1_sits_on_the_sgs_sample_selic() -> None:
    from macro_models.connectors.sample import DEFAULT_END, DEFAULT_START, generate_sgs
    from macro_models.connectors.sample_b3 import selic_target

    sgs = {r["data"]: float(r["valor"]) for r in generate_sgs(DEFAULT_START, DEFAULT_END, 7)["432"]}
    ours = selic_target(DEFAULT_START, DEFAULT_END, 7)
    assert {d.strftime("%d/%m/%Y"): round(v, 2) for d, v in ours.items()} == sgs
