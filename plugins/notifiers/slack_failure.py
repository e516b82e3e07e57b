"""Slack failure notifier for task-level and DAG-level ``on_failure_callback``.

Usage in a DAG file (Airflow puts the plugins folder on ``sys.path``)::

    from notifiers.slack_failure import SlackFailureNotifier

    @dag(
        ...,
        default_args={"on_failure_callback": SlackFailureNotifier()},  # each failed task
        on_failure_callback=SlackFailureNotifier(),                     # the failed run
    )

This is a thin subclass of the Slack provider's ``SlackWebhookNotifier``, so it inherits that
class's lazily built ``SlackWebhookHook`` (a ``cached_property``) and its ``template_fields``.
It adds a templated ``headline`` and builds the message from the failure context. The message
names the DAG, the task, the run id, the logical date, the try number, the exception (or, at
DAG level, the reason) and the task's log URL.

The connection (default ``slack_default``) is a Slack Incoming Webhook connection. Its password
is the full webhook URL, or the token part with the host ``hooks.slack.com/services``. As an
environment variable::

    AIRFLOW_CONN_SLACK_DEFAULT='{"conn_type": "slackwebhook",
                                 "password": "https://hooks.slack.com/services/T…/B…/…"}'

A URI such as ``slackwebhook://:token@host:port/https`` loses the port, because the hook builds
``schema://host/token``. Use the JSON form, with the full URL in the password.

Rendering templates mutates a notifier's fields for good. The same instance serves every failure
of a DAG, so each call renders and sends from a shallow copy and the ``headline`` template is
kept for the next failure.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Any

from airflow.providers.slack.notifications.slack_webhook import SlackWebhookNotifier

DEFAULT_HEADLINE = ":red_circle: Airflow failure"
_MAX_EXCEPTION_CHARS = 500


log = logging.getLogger(__name__)


def _connection_exists(conn_id: str) -> bool:
    from airflow.sdk import BaseHook

    try:
        BaseHook.get_connection(conn_id)
    except Exception:  # noqa: BLE001 - AirflowNotFoundException moved between Airflow versions
        return False
    return True


def _escape(value: object) -> str:
    """Slack mrkdwn control characters (&, <, >) in free text such as exception messages."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _exception_summary(exc: object) -> str:
    if isinstance(exc, BaseException):
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    else:
        text = str(exc)
    text = text.strip().splitlines()[0] if text.strip() else text
    if len(text) > _MAX_EXCEPTION_CHARS:
        text = text[: _MAX_EXCEPTION_CHARS - 1] + "…"
    return text


def failure_message(context: Mapping[str, Any], headline: str = DEFAULT_HEADLINE) -> str:
    """The Slack text for a failure ``context``. It works with a task failure (``ti``,
    ``exception``) and with a DAG-level failure (``dag``, ``run_id``, ``reason``, and ``ti`` of
    the last task if Airflow supplies it)."""
    ti = context.get("ti") or context.get("task_instance")
    dag = context.get("dag")
    dag_run = context.get("dag_run")
    task = context.get("task")

    dag_id = getattr(ti, "dag_id", None) or getattr(dag, "dag_id", None) or "?"
    task_id = getattr(ti, "task_id", None) or getattr(task, "task_id", None)
    run_id = (
        context.get("run_id") or getattr(ti, "run_id", None) or getattr(dag_run, "run_id", None)
    )
    logical_date = context.get("logical_date") or getattr(dag_run, "logical_date", None)
    try_number = getattr(ti, "try_number", None)
    log_url = getattr(ti, "log_url", None)

    lines = [f"{headline}", f"*DAG*: `{dag_id}`"]
    if task_id:
        lines.append(f"*Task*: `{task_id}`")
    lines.append(f"*Run*: `{run_id or 'n/a'}`")
    if logical_date is not None:
        stamp = logical_date.isoformat() if hasattr(logical_date, "isoformat") else logical_date
        lines.append(f"*Logical date*: {stamp}")
    if try_number is not None:
        lines.append(f"*Try*: {try_number}")
    if context.get("exception") is not None:
        lines.append(f"*Exception*: {_escape(_exception_summary(context['exception']))}")
    if context.get("reason"):
        lines.append(f"*Reason*: {_escape(context['reason'])}")
    if log_url:
        lines.append(f"*Log*: {log_url}")
    return "\n".join(lines)


class SlackFailureNotifier(SlackWebhookNotifier):
    """Post a failure summary to a Slack Incoming Webhook.

    :param slack_webhook_conn_id: the Slack Incoming Webhook connection (default
        ``slack_default``). Templated.
    :param headline: the first line of the message, e.g. ``":red_circle: {{ dag.dag_id }}"``.
        Templated.
    :param timeout: seconds to wait for Slack (passed to the hook). Templated.
    :param proxy: proxy for the webhook call. Templated.
    """

    template_fields = (*SlackWebhookNotifier.template_fields, "headline")

    def __init__(
        self,
        *,
        slack_webhook_conn_id: str = "slack_default",
        headline: str = DEFAULT_HEADLINE,
        timeout: int | None = None,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> None:
        # ``text`` is built per failure in notify(). The parent requires it, so it starts empty.
        super().__init__(
            slack_webhook_conn_id=slack_webhook_conn_id,
            text="",
            timeout=timeout,
            proxy=proxy,
            **kwargs,
        )
        self.headline = headline

    def __call__(self, *args: Any) -> None:
        # Render on a copy. A shared instance (default_args, DAG level) keeps its templates.
        super(SlackFailureNotifier, copy.copy(self)).__call__(*args)

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        dag = context.get("dag")
        if jinja_env is None and dag is not None and not hasattr(dag, "get_template_env"):
            # apache/airflow#64649: `airflow dags test` gives DAG-level callbacks a SerializedDAG,
            # which has no template env, so BaseNotifier would fail. Fall back to the default
            # sandboxed environment.
            jinja_env = self.get_template_env()
        super().render_template_fields(context, jinja_env)

    def notify(self, context: Any) -> None:
        if not _connection_exists(self.slack_webhook_conn_id):
            # A laptop or CI run has no Slack: say so once in the task log instead of failing
            # the callback with a connection error that hides the task's own failure.
            log.warning("no %r connection: Slack alert skipped", self.slack_webhook_conn_id)
            return
        self.text = failure_message(context, headline=self.headline)
        super().notify(context)

    async def async_notify(self, context: Any) -> None:
        self.text = failure_message(context, headline=self.headline)
        await super().async_notify(context)
