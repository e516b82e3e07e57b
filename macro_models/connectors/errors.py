"""Errors that name the source, the item, the request and the reason."""

from __future__ import annotations


class ConnectorError(Exception):
    """A source could not be read or its answer could not be used."""

    def __init__(self, source: str, item: str, request: str, reason: str) -> None:
        self.source, self.item, self.request, self.reason = source, item, request, reason
        super().__init__(f"{source} {item}: {reason} (request: {request})")


class PayloadError(ConnectorError):
    """The source answered, but the body is not what the endpoint promises."""


class FetchError(ConnectorError):
    """The source did not answer usefully after the retries (HTTP status, timeout)."""
