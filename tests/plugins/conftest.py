"""Airflow for the plugin tests: a throwaway AIRFLOW_HOME, the repo's plugins folder, and a real
local HTTP server that stands in for a Slack Incoming Webhook.

Airflow reads its configuration when it is first imported, so the environment is set here, at
import time, before any test module imports ``airflow`` or the plugins. The tests import the
plugin code exactly as DAG files do (``from timetables.exchange import ...``). Airflow makes that
work by appending the plugins folder to ``sys.path``
(``settings.prepare_syspath_for_config_and_plugins``).
This conftest does the same thing up front, because the test modules' own imports come first.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PLUGINS_FOLDER = Path(__file__).resolve().parents[2] / "plugins"

_airflow_home = tempfile.mkdtemp(prefix="macro-plugins-airflow-home-")
atexit.register(shutil.rmtree, _airflow_home, ignore_errors=True)
os.environ["AIRFLOW_HOME"] = _airflow_home
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(PLUGINS_FOLDER)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] = "False"
if str(PLUGINS_FOLDER) not in sys.path:
    sys.path.append(str(PLUGINS_FOLDER))


@dataclass
class Post:
    path: str
    content_type: str
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class SlackWebhookServer:
    """Answers every POST like Slack does (200, body ``ok``) and records it."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                posts.append(Post(self.path, self.headers.get("Content-Type", ""), body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/services/T000/B000/XXXX"

    def __enter__(self) -> SlackWebhookServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def slack_webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackWebhookServer]:
    """A local webhook server plus the ``slack_default`` connection that points at it.

    The connection is Airflow's JSON form with the full URL in ``password``. The hook uses a
    password that contains ``://`` as the URL as is. In the URI form the port would be lost:
    the hook rebuilds the URL as ``schema://host/token``.
    """
    with SlackWebhookServer() as server:
        conn = {"conn_type": "slackwebhook", "password": server.url}
        monkeypatch.setenv("AIRFLOW_CONN_SLACK_DEFAULT", json.dumps(conn))
        yield server
