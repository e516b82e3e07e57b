"""Connector-test fixtures on top of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.utils.http_server import RecordedServer


@pytest.fixture(scope="session")
def _shared_sgs_server() -> Iterator[RecordedServer]:
    with RecordedServer() as server:
        yield server


@pytest.fixture
def sgs_server(_shared_sgs_server: RecordedServer) -> RecordedServer:
    """The same real local HTTP server as tests/conftest.py's ``sgs_server``, started once:
    each shutdown of a RecordedServer waits out a 0.5 s poll, so per-test servers add up.
    Routes and the request log are emptied for every test."""
    _shared_sgs_server.routes.clear()
    _shared_sgs_server.requests.clear()
    return _shared_sgs_server
