"""ANBIMA TPF indicative rates: saved files, malformed files, vintages, real HTTP, replay, CSV.

tests/fixtures/anbima/ms240102.txt is in the file's recorded format (ISO-8859-1, title line,
'@'-separated header and rows, YYYYMMDD dates, decimal commas, '--' for a missing bid/ask);
the numbers are realistic for 2 January 2024, not a copy of ANBIMA's file: the format matters
more than the exact values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from macro_models.connectors import anbima
from macro_models.connectors.anbima import (
    FILE_DIR,
    AnbimaCsvFetcher,
    AnbimaFetcher,
    AnbimaQuery,
    file_name,
    load_anbima_csv,
    record_known_at,
)
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import FetchError, PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_anbima import anbima_files, first_sample_day
from tests.conftest import SHARED_DATA
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "anbima"
TABLE = "bronze.anbima__tpf_indicative_rates"
FILE = (FIXTURES / "ms240102.txt").read_bytes()
FETCHED = datetime(2024, 1, 3, 12, 0, tzinfo=UTC)
BASE = "https://www.anbima.com.br"
KNOWN = datetime(2024, 1, 2, 21, 30, tzinfo=UTC)  # 18:30 Sao Paulo (UTC-3, no DST since 2019)


def _payload(body: bytes, name: str = "ms240102.txt", fetched: datetime = FETCHED) -> RawPayload:
    url = f"{BASE}{FILE_DIR}{name}"
    return RawPayload("anbima", "TPF", {"url": url}, body, "text/plain", fetched)


def _edit(old: str, new: str, body: bytes = FILE) -> bytes:
    text_ = body.decode("iso-8859-1")
    assert old in text_, old
    return text_.replace(old, new, 1).encode("iso-8859-1")


def _rows(engine: Engine) -> list:
    with engine.connect() as conn:
        sql = f"select * from {TABLE} order by reference_date, bond_type, maturity_date, known_at"
        return list(conn.execute(text(sql)))


@pytest.fixture
def db(clean_db: Engine) -> Engine:
    """clean_db with this source's bronze table emptied too (until the migration is chained
    into clean_db's list, truncating here keeps tests independent)."""
    with clean_db.begin() as conn:
        conn.execute(text(f"truncate {TABLE}"))
    return clean_db


# --- transform_data on a saved file ----------------------------------------------------------


def test_transform_reads_every_bond_row() -> None:
    recs = AnbimaFetcher.transform_data(_payload(FILE))
    assert len(recs) == 13
    assert [r.bond_type for r in recs].count("LTN") == 5
    assert {r.reference_date for r in recs} == {date(2024, 1, 2)}
    ltn = recs[2]
    assert (ltn.bond_type, ltn.selic_code, ltn.issue_date, ltn.maturity_date) == (
        "LTN",
        "100000",
        date(2020, 7, 10),
        date(2025, 1, 1),
    )
    assert (ltn.bid_rate, ltn.ask_rate, ltn.indicative_rate, ltn.pu) == (
        Decimal("10.3046"),
        Decimal("10.2856"),
        Decimal("10.2951"),
        Decimal("906.784561"),
    )
    ntnb_2024 = next(r for r in recs if r.maturity_date == date(2024, 5, 15))
    assert (ntnb_2024.bid_rate, ntnb_2024.ask_rate) == (None, None)  # '--' at source
    lft = [r for r in recs if r.bond_type == "LFT"]
    assert lft[0].ask_rate == Decimal("-0.0018") and lft[1].indicative_rate == Decimal("0.1401")
    # A UTF-8 copy and a file loaded without its URL (dated by its rows) parse the same.
    utf8 = FILE.decode("iso-8859-1").encode("utf-8")
    assert AnbimaFetcher.transform_data(_payload(utf8)) == recs
    from_file = RawPayload("anbima", "TPF", {"file": "ms240102.txt"}, FILE)
    assert AnbimaFetcher.transform_data(from_file) == recs


def test_query_asks_b3_sessions_only_and_refuses_bad_input() -> None:
    q = AnbimaFetcher.transform_query(
        {"code": "TPF", "start": date(2023, 12, 28), "end": date(2024, 1, 3)}
    )
    assert q.sessions() == [date(2023, 12, 28), date(2024, 1, 2), date(2024, 1, 3)]
    with pytest.raises(ValueError, match="code must be 'TPF'"):
        AnbimaQuery(code="LTN", start=date(2024, 1, 2), end=date(2024, 1, 2))
    with pytest.raises(ValueError, match="after end"):
        AnbimaQuery(start=date(2024, 1, 3), end=date(2024, 1, 2))


def test_known_at_is_18h30_sao_paulo_on_the_reference_date() -> None:
    rec = AnbimaFetcher.transform_data(_payload(FILE))[0]
    assert record_known_at(rec) == KNOWN


# --- malformed files: refused with a reason, archived, nothing written -----------------------

LTN25 = "LTN@20240102@100000@20200710@20250101@10,3046@10,2856@10,2951@906,784561"
HEADER_LINE = FILE.decode("iso-8859-1").splitlines()[2]

MALFORMED = [
    pytest.param(b"", "ms240102.txt", "empty body", id="empty-body"),
    pytest.param(b" \r\n ", "ms240102.txt", "empty body", id="whitespace-body"),
    pytest.param(
        (FIXTURES / "error_page.html").read_bytes(),
        "ms240102.txt",
        "an HTML page.*Página não encontrada",
        id="html-error-page",
    ),
    pytest.param(b"Service Unavailable\r\n", "ms240102.txt", "no '@'-separated header", id="text"),
    pytest.param(
        FILE[: FILE.index(b"LTN@")], "ms240102.txt", "not followed by any bond row", id="no-rows"
    ),
    pytest.param(
        FILE[: FILE.index(LTN25.encode()) + 60], "ms240102.txt", "has 8 fields", id="truncated"
    ),
    pytest.param(
        _edit("Tx. Indicativas", "Taxa Indicativa"),
        "ms240102.txt",
        "unexpected header",
        id="renamed-column",
    ),
    pytest.param(
        _edit("@PU@Desvio padrao", "@Desvio padrao"),
        "ms240102.txt",
        "unexpected header",
        id="missing-column",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("10,2951", "10.2951")),
        "ms240102.txt",
        r"LTN 2025-01-01 Tx. Indicativas '10.2951' uses a '.' decimal separator",
        id="dot-decimal",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("10,2951", "-")),
        "ms240102.txt",
        "Tx. Indicativas is missing",
        id="dash-rate",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("10,2951", "--")),
        "ms240102.txt",
        "Tx. Indicativas is missing",
        id="double-dash-rate",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("10,3046", "")),
        "ms240102.txt",
        "Tx. Compra is missing",
        id="empty-bid",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("906,784561", "906.784,561.0")),
        "ms240102.txt",
        "PU '906.784,561.0' is not a number in the format",
        id="garbled-number",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("10,2951", "1029,51")),
        "ms240102.txt",
        "outside -20..120",
        id="basis-points",
    ),
    pytest.param(FILE, "ms240103.txt", "outside the requested date 2024-01-03", id="other-date"),
    pytest.param(
        FILE.replace(b"20240102", b"20990102"), "ms990102.txt", "out of range", id="future-date"
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("@20250101", "@2025-01-01")),
        "ms240102.txt",
        "Vencimento '2025-01-01' is not YYYYMMDD",
        id="bad-date-format",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("@20250101", "@20231201")),
        "ms240102.txt",
        "matured before the reference date",
        id="matured-bond",
    ),
    pytest.param(
        _edit(LTN25, LTN25 + "@0@1@2@3@4@Calculado\r\n" + LTN25),
        "ms240102.txt",
        "LTN 2025-01-01 appears twice",
        id="duplicated-bond",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("LTN@", "NTN-X@")),
        "ms240102.txt",
        "unknown bond type 'NTN-X'",
        id="unknown-bond",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("@100000@", "@1000@")),
        "ms240102.txt",
        "Codigo SELIC '1000' is not six digits",
        id="bad-selic-code",
    ),
    pytest.param(
        _edit(LTN25, LTN25.replace("906,784561", "0")),
        "ms240102.txt",
        "PU '0' is not positive",
        id="zero-pu",
    ),
]


@pytest.mark.parametrize(("body", "name", "reason"), MALFORMED)
def test_malformed_files_fail_and_write_nothing(db, body: bytes, name: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        load_payload(db, AnbimaFetcher, _payload(body, name))
    assert "anbima TPF" in str(info.value) and name in str(info.value)
    with db.connect() as conn:
        assert conn.execute(text(f"select count(*) from {TABLE}")).scalar() == 0
        assert conn.execute(text("select count(*) from bronze.raw_payloads")).scalar() == 1
        rejected = conn.execute(text("select reason from bronze.payload_rejections")).scalars()
        assert [str(info.value)] == list(rejected)


# --- vintages -------------------------------------------------------------------------------


def test_same_file_twice_adds_nothing_and_a_changed_rate_adds_a_vintage(db) -> None:
    first = load_payload(db, AnbimaFetcher, _payload(FILE))
    again = load_payload(db, AnbimaFetcher, _payload(FILE, fetched=FETCHED + timedelta(days=1)))
    assert (first.rows_added, again.rows_added) == (13, 0)
    rows = _rows(db)
    assert {r.known_at for r in rows} == {KNOWN}
    ltn = next(r for r in rows if (r.bond_type, r.maturity_date) == ("LTN", date(2025, 1, 1)))
    assert (ltn.selic_code, ltn.issue_date, ltn.pu) == (
        "100000",
        date(2020, 7, 10),
        Decimal("906.784561"),
    )
    assert ltn.payload_sha256 and ltn.loaded_at is not None
    # A bid/ask change alone is not a new vintage; a corrected indicative rate is.
    bid_only = _edit(LTN25, LTN25.replace("10,3046", "10,3050"))
    assert load_payload(db, AnbimaFetcher, _payload(bid_only)).rows_added == 0
    revised_at = FETCHED + timedelta(days=2)
    revised = _payload(_edit(LTN25, LTN25.replace("10,2951", "10,2960")), fetched=revised_at)
    assert load_payload(db, AnbimaFetcher, revised).rows_added == 1
    ltns = [r for r in _rows(db) if (r.bond_type, r.maturity_date) == ("LTN", date(2025, 1, 1))]
    assert [(r.indicative_rate, r.known_at) for r in ltns] == [
        (Decimal("10.2951"), KNOWN),
        (Decimal("10.2960"), revised_at),
    ]


# --- real HTTP -------------------------------------------------------------------------------


def test_extract_over_real_http_one_file_per_session(db, sgs_server) -> None:
    sgs_server.route(f"{FILE_DIR}ms240102.txt", Reply(body=FILE, content_type="text/plain"))
    other = FILE.replace(b"20240102@", b"20240103@")
    sgs_server.route(f"{FILE_DIR}ms240103.txt", Reply(body=other, content_type="text/plain"))
    query = AnbimaFetcher.transform_query({"start": date(2023, 12, 30), "end": date(2024, 1, 3)})
    with httpx.Client(timeout=5, trust_env=False) as client:
        payloads = AnbimaFetcher.extract_data(query, client, sgs_server.base_url + "/")
    # 30 and 31 December 2023 and 1 January 2024 are not sessions: two requests, no params.
    assert sgs_server.requests == [
        (f"{FILE_DIR}ms240102.txt", {}),
        (f"{FILE_DIR}ms240103.txt", {}),
    ]
    assert payloads[0].request == {"url": f"{sgs_server.base_url}{FILE_DIR}ms240102.txt"}
    assert payloads[0].body == FILE and payloads[0].content_type == "text/plain"
    assert [load_payload(db, AnbimaFetcher, p).rows_added for p in payloads] == [13, 13]


def test_a_missing_file_for_a_session_is_a_fetch_error(sgs_server) -> None:
    query = AnbimaQuery(start=date(2024, 1, 4), end=date(2024, 1, 4))
    with (
        httpx.Client(timeout=5, trust_env=False) as client,
        pytest.raises(FetchError, match="HTTP 404"),
    ):
        AnbimaFetcher.extract_data(query, client, sgs_server.base_url)


# --- replay against the sample generator's files ---------------------------------------------

WINDOW = (date(2024, 10, 1), date(2024, 12, 30))


@pytest.fixture(scope="module")
def sample_files() -> dict[str, str]:
    return anbima_files(*WINDOW, seed=7)


def _client(directory: Path) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        return anbima.replay(directory, request) or httpx.Response(599)

    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda p, t: p.write_bytes(t.encode("iso-8859-1")), id="iso-8859-1"),
        pytest.param(lambda p, t: p.write_text(t, encoding="utf-8"), id="utf-8"),
    ],
)
def test_replay_serves_the_sample_files(tmp_path, sample_files, write) -> None:
    for name, body in sample_files.items():
        write(tmp_path / name, body)
    query = AnbimaQuery(start=date(2024, 12, 20), end=date(2024, 12, 30))
    with _client(tmp_path) as client:
        payloads = AnbimaFetcher.extract_data(query, client, BASE)
    assert [p.request["url"][-12:] for p in payloads] == [
        "ms241220.txt",
        "ms241223.txt",
        "ms241226.txt",
        "ms241227.txt",
        "ms241230.txt",
    ]
    by_day = {p.request["url"]: AnbimaFetcher.transform_data(p) for p in payloads}
    recs = [r for day in by_day.values() for r in day]
    assert all(40 <= len(day) <= 55 for day in by_day.values())
    assert {r.bond_type for r in recs} == {"LTN", "NTN-F", "NTN-B", "LFT", "NTN-C"}
    nominal = [float(r.indicative_rate) for r in recs if r.bond_type in ("LTN", "NTN-F")]
    real = [float(r.indicative_rate) for r in recs if r.bond_type == "NTN-B"]
    spreads = [float(r.indicative_rate) for r in recs if r.bond_type == "LFT"]
    assert 2 < min(nominal) and max(nominal) < 20
    assert 3 < min(real) and max(real) < 9
    assert -0.2 < min(spreads) and max(spreads) < 0.5
    assert all(r.bid_rate > r.indicative_rate > r.ask_rate for r in recs)
    ltn = [r for r in recs if r.bond_type == "LTN"]
    assert all(0 < r.pu < 1000 for r in ltn)


def test_replay_answers_404_for_unrecorded_dates_and_ignores_other_paths(tmp_path) -> None:
    with _client(tmp_path) as client:
        assert client.get(f"{BASE}{FILE_DIR}ms150302.txt").status_code == 404
    other = httpx.Request("GET", "https://api.bcb.gov.br/dados/serie/bcdata.sgs.432/dados")
    assert anbima.replay(tmp_path, other) is None


def test_sample_is_the_last_year_of_sessions_and_small() -> None:
    start, end = date(2014, 1, 2), date(2024, 12, 30)
    assert first_sample_day(start, end) == date(2023, 12, 31)
    files = anbima_files(start, end, 7)
    assert min(files) == file_name(date(2024, 1, 2)) and max(files) == file_name(end)
    assert sum(body.count("\n") - 3 for body in files.values()) < 20_000


# --- the shared long CSV (date,bond_type,maturity,value,price) --------------------------------

CSV_BODY = (
    "date,bond_type,maturity,value,price\r\n"
    "2023-12-28,LTN,2024-04-01,11.5804,972.701224\r\n"
    "2023-12-28,NTN-B,2035-05-15,5.5416,4271.066371\r\n"
    "2023-12-28,LFT,2029-03-01,0.1399,14014.154271\r\n"
    "2013-06-03,NTN-C,2031-01-01,4.8762,\r\n"
)


def _csv(body: str) -> RawPayload:
    name = "anbima__tpf_indicative_rates.csv"
    return RawPayload("anbima", "TPF", {"file": name}, body.encode(), "text/csv")


def test_load_anbima_csv_archives_parses_and_upserts(db, tmp_path) -> None:
    path = tmp_path / "anbima__tpf_indicative_rates.csv"
    path.write_text(CSV_BODY, newline="")
    assert load_anbima_csv(db, path).rows_added == 4
    assert load_anbima_csv(db, path).rows_added == 0
    rows = {r.bond_type: r for r in _rows(db)}
    assert rows["LTN"].indicative_rate == Decimal("11.5804")
    assert rows["LTN"].known_at == datetime(2023, 12, 28, 21, 30, tzinfo=UTC)
    assert rows["NTN-C"].pu is None and rows["NTN-C"].selic_code is None
    # The live file of the same day agrees on the rate: no new vintage.
    live = FILE.replace(b"20240102@", b"20231228@").replace(b"11,5509", b"11,5804")
    added = load_payload(db, AnbimaFetcher, _payload(live, "ms231228.txt")).rows_added
    # 10 new bonds, and new vintages of the NTN-B 2035 and LFT 2029, whose rates differ; the
    # LTN 2024-04-01 agrees with the CSV.
    assert added == 12


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param("", "empty file", id="empty"),
        pytest.param("date,value\n2023-12-28,1\n", "header must be", id="tidy-header"),
        pytest.param(CSV_BODY.replace("11.5804", '"11,5804"'), "not a dot-decimal", id="comma"),
        pytest.param(CSV_BODY.replace("11.5804", "-"), "not a dot-decimal", id="dash"),
        pytest.param(CSV_BODY.replace("11.5804", ""), "not a dot-decimal", id="empty-rate"),
        pytest.param(CSV_BODY.replace("11.5804", "1158.04"), "out of range", id="basis-points"),
        pytest.param(CSV_BODY.replace(",LTN,", ",XYZ,"), "unknown bond type", id="bad-bond"),
        pytest.param(
            CSV_BODY + "2023-12-28,LTN,2024-04-01,11.6,972.7\r\n", "repeats LTN", id="dup"
        ),
        pytest.param(CSV_BODY.replace("2023-12-28,LFT", "28/12/2023,LFT"), "YYYY-MM-DD", id="dmy"),
        pytest.param(CSV_BODY.replace("2024-04-01", "2023-04-01"), "matured", id="matured"),
        pytest.param(CSV_BODY.replace(",972.701224", ""), "has 4 fields", id="short-row"),
        pytest.param(CSV_BODY.replace("972.701224", "-1"), "not positive", id="negative-pu"),
    ],
)
def test_malformed_csv_fails_and_writes_nothing(db, body: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        load_payload(db, AnbimaCsvFetcher, _csv(body))
    with db.connect() as conn:
        assert conn.execute(text(f"select count(*) from {TABLE}")).scalar() == 0
        assert conn.execute(text("select count(*) from bronze.payload_rejections")).scalar() == 1


@pytest.mark.realdata
def test_the_shared_real_file_loads_whole(db) -> None:
    path = SHARED_DATA / "anbima__tpf_indicative_rates.csv"
    if not path.exists():
        pytest.skip("../shared/data is absent")
    assert load_anbima_csv(db, path).rows_added == 213_950
    with db.connect() as conn:
        counts = dict(
            conn.execute(text(f"select bond_type, count(*) from {TABLE} group by 1")).all()
        )
        stats = conn.execute(
            text(
                f"select min(reference_date), max(reference_date), count(distinct reference_date), "
                f"count(pu) from {TABLE}"
            )
        ).one()
    assert counts["LTN"] == 41_751 and counts["NTN-B"] == 63_931 and counts["LFT"] == 69_296
    assert counts["NTN-F"] == 26_284 and counts["NTN-C"] == 11_655
    assert (stats[0], stats[1]) == (date(2007, 1, 2), date(2023, 12, 28))
    assert stats[2] > 4_000 and stats[3] > 40_000  # PUs only from 2020
