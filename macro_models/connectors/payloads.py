"""Checks every JSON endpoint's body goes through before its own validation."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any


def json_body(body: bytes, fail: Any, *, decimals: bool = False, show_text: bool = False) -> Any:
    """The decoded document; an empty body, an HTML page or truncated JSON is refused.

    ``decimals`` parses numbers as Decimal (sources whose floats are published values).
    ``show_text`` quotes the start of a non-JSON body (sources that answer in plain text).
    """
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise fail("empty body")
    if text.startswith("<"):
        raise fail(f"an HTML page instead of JSON: {text[:80]!r}")
    try:
        if decimals:
            return json.loads(text, parse_float=Decimal, parse_constant=Decimal)
        return json.loads(text)
    except json.JSONDecodeError as exc:
        snippet = f": {text[:80]!r}" if show_text else ""
        raise fail(f"invalid or truncated JSON ({exc.msg} at char {exc.pos}){snippet}") from None


def odata_rows(body: bytes, fail: Any) -> list[Any]:
    """The ``value`` list of an OData JSON document (BCB Olinda, IPEADATA), numbers as Decimal."""
    doc = json_body(body, fail, decimals=True)
    if not isinstance(doc, dict):
        raise fail(f"expected a JSON object, got {type(doc).__name__}")
    if "error" in doc:
        raise fail(f"an OData error object instead of data: {str(doc['error'])[:160]}")
    rows = doc.get("value")
    if not isinstance(rows, list):
        raise fail(f"no 'value' list in the response (keys {sorted(doc)})")
    return rows


_BR_NUMBER = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+,\d+|\d+(?:,\d+)?)")
_DOT_NUMBER = re.compile(r"-?\d+\.\d+")


def br_decimal(raw: str, what: str, fail: Any, example: str = "906,784561") -> Decimal:
    """A Brazilian-format number ('1.234,56') as Decimal; refuses '--', '-', '' and dot decimals.

    ``example`` shows the file's own format in the error message.
    """
    if raw in ("", "-", "--", "\u2014"):
        raise fail(f"{what} is missing ({raw!r})")
    if not _BR_NUMBER.fullmatch(raw):
        if _DOT_NUMBER.fullmatch(raw):
            raise fail(f"{what} {raw!r} uses a '.' decimal separator; the file uses '{example}'")
        raise fail(f"{what} {raw!r} is not a number in the format '{example}'")
    try:
        return Decimal(raw.replace(".", "").replace(",", "."))
    except InvalidOperation:
        raise fail(f"{what} {raw!r} is not a number") from None
