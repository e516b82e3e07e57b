"""Every malformed SGS payload is refused with a reason; on load it is archived, never written."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from datetime import date

import pytest
from sqlalchemy import text

from macro_models.connectors.bcb_sgs import BcbSgsFetcher
from macro_models.connectors.errors import ConnectorError, PayloadError
from macro_models.connectors.load import load_payload
from tests.connectors.helpers import count, fixture_bytes, rows, sgs_payload

CODE = "433"
WINDOW = (date(2023, 1, 1), date(2023, 12, 31))
# Good records first, so a malformed record later in the list must still sink the whole payload.
GOOD = [("01/01/2023", "0.53"), ("01/02/2023", "0.84")]


def _json(data) -> bytes:
    return json.dumps(data).encode()


MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(b"  \r\n\t  ", "empty body", id="whitespace-body"),
    pytest.param(fixture_bytes("error_page.html"), "an HTML page instead of JSON", id="html-page"),
    pytest.param(
        fixture_bytes("bcb_sgs__433_2023.json")[:-7], "invalid or truncated JSON", id="truncated"
    ),
    pytest.param(
        _json({"error": "Value(s) not found"}),
        "an error object instead of a list: {'error': 'Value(s) not found'}",
        id="json-error-object",
    ),
    pytest.param(b"42", "expected a JSON list, got int", id="number-not-list"),
    pytest.param(b'"0.53"', "expected a JSON list, got str", id="string-not-list"),
    pytest.param(
        _json([*rows(GOOD), {"data": "01/03/2023"}]),
        "record 2 lacks the 'data'/'valor' fields (has ['data'])",
        id="missing-valor",
    ),
    pytest.param(
        _json([*rows(GOOD), {"valor": "0.71"}]),
        "record 2 lacks the 'data'/'valor' fields (has ['valor'])",
        id="missing-data",
    ),
    pytest.param(
        _json([{"data": "01/01/2023", "value": "0.53"}]),
        "record 0 lacks the 'data'/'valor' fields (has ['data', 'value'])",
        id="renamed-valor-to-value",
    ),
    pytest.param(
        _json([["01/01/2023", "0.53"]]),
        "record 0 lacks the 'data'/'valor' fields (has list)",
        id="record-not-object",
    ),
    pytest.param(
        _json(rows([*GOOD, ("01/03/2023", "1,5")])),
        "value '1,5' at 2023-03-01 uses a comma decimal separator",
        id="comma-decimal",
    ),
    pytest.param(
        _json(rows([*GOOD, ("01/03/2023", "-")])), "value at 2023-03-01 is missing", id="dash"
    ),
    pytest.param(
        _json(rows([*GOOD, ("01/03/2023", "")])),
        "value at 2023-03-01 is missing",
        id="empty-value",
    ),
    pytest.param(
        _json([*rows(GOOD), {"data": "01/03/2023", "valor": None}]),
        "value at 2023-03-01 is missing",
        id="null-value",
    ),
    pytest.param(
        _json(rows([*GOOD, ("01/03/2023", "abc")])),
        "value 'abc' at 2023-03-01 is not a number",
        id="non-numeric-value",
    ),
    pytest.param(
        _json(rows([*GOOD, ("01/03/2023", "NaN")])),
        "value 'NaN' at 2023-03-01 is not finite",
        id="nan-value",
    ),
    pytest.param(
        _json(rows([*GOOD, ("2023-03-01", "0.71")])),
        "record 2 date '2023-03-01' is not dd/mm/yyyy",
        id="iso-date",
    ),
    pytest.param(
        _json(rows([*GOOD, ("01/01/2024", "0.42")])),
        "record 2 date 2024-01-01 is outside the requested window",
        id="date-outside-window",
    ),
    pytest.param(
        _json(rows([*GOOD, ("01/02/2023", "0.84")])),
        "date 2023-02-01 appears twice",
        id="duplicated-date",
    ),
]


def _payload(body: bytes):
    return sgs_payload(CODE, body, *WINDOW)


def _match(reason: str) -> str:
    # "<source> <item>: <reason> (request: <url?params>)"
    return rf"^bcb_sgs {CODE}: {re.escape(reason)}.* \(request: http://.*dataInicial=01/01/2023"


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body, reason):
    with pytest.raises(PayloadError, match=_match(reason)) as info:
        BcbSgsFetcher.transform_data(_payload(body))
    err = info.value
    assert (err.source, err.item) == ("bcb_sgs", CODE)
    assert err.reason.startswith(reason)
    assert isinstance(err, ConnectorError)


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_load_archives_rejects_and_writes_nothing(clean_db, body, reason):
    payload = _payload(body)
    with pytest.raises(PayloadError, match=_match(reason)):
        load_payload(clean_db, BcbSgsFetcher, payload)

    assert count(clean_db, "bronze.bcb_sgs__series") == 0
    with clean_db.connect() as conn:
        archived = conn.execute(text("select * from bronze.raw_payloads")).one()
        rejection = conn.execute(text("select * from bronze.payload_rejections")).one()
    assert gzip.decompress(archived.body_gzip) == body
    assert archived.body_bytes == len(body)
    assert archived.sha256 == hashlib.sha256(body).hexdigest()
    assert (archived.source, archived.item) == ("bcb_sgs", CODE)
    assert archived.request == payload.request
    assert rejection.payload_id == archived.payload_id
    assert rejection.reason.startswith(f"bcb_sgs {CODE}: {reason}")


def test_same_bad_body_twice_is_archived_once_and_rejected_twice(clean_db):
    payload = _payload(b"<html>down</html>")
    for _ in range(2):
        with pytest.raises(PayloadError, match="HTML page"):
            load_payload(clean_db, BcbSgsFetcher, payload)
    assert count(clean_db, "bronze.raw_payloads") == 1
    assert count(clean_db, "bronze.payload_rejections") == 2
    assert count(clean_db, "bronze.bcb_sgs__series") == 0


def test_uncatalogued_series_is_rejected_not_loaded(clean_db):
    payload = sgs_payload("99999", _json(rows(GOOD)), *WINDOW)
    with pytest.raises(PayloadError, match=r"^bcb_sgs 99999: unknown series 'bcb_sgs__99999'"):
        load_payload(clean_db, BcbSgsFetcher, payload)
    assert count(clean_db, "bronze.bcb_sgs__series") == 0
    assert count(clean_db, "bronze.raw_payloads") == 1
    with clean_db.connect() as conn:
        reason = conn.execute(text("select reason from bronze.payload_rejections")).scalar_one()
    assert "unknown series 'bcb_sgs__99999'" in reason


def test_good_payload_after_a_bad_one_loads(clean_db):
    with pytest.raises(PayloadError):
        load_payload(clean_db, BcbSgsFetcher, _payload(b"[{"))
    result = load_payload(
        clean_db, BcbSgsFetcher, _payload(fixture_bytes("bcb_sgs__433_2023.json"))
    )
    assert (result.rows_seen, result.rows_added) == (12, 12)
    assert count(clean_db, "bronze.bcb_sgs__series") == 12
    assert count(clean_db, "bronze.payload_rejections") == 1
