"""The Slack failure notifier posts to a real local webhook server through the provider's hook.

The task-failure context is built the way Airflow's DAG processor builds it for a failure
callback (``RuntimeTaskInstance.model_construct(...).get_template_context()``), plus the
``exception`` the task runner adds. The DAG-level context is the minimal one that
``_execute_dag_callbacks`` passes when it knows no last task.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pendulum
from airflow.sdk import DAG, task
from airflow.serialization.serialized_objects import DagSerialization
from notifiers.slack_failure import SlackFailureNotifier, failure_message

DAG_ID = "macro_ingest_bcb"
RUN_ID = "scheduled__2024-02-14T23:30:00+00:00"
LOGICAL_DATE = pendulum.datetime(2024, 2, 14, 3, tz="UTC")  # 2024-02-14 00:00 São Paulo


def _dag(**kwargs) -> DAG:
    with DAG(
        DAG_ID, schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), **kwargs
    ) as dag:

        @task
        def ingest_sgs() -> None:
            raise ValueError("SGS 432 returned <html> & no data")

        ingest_sgs()
    return dag


def _failed_task_context(dag: DAG, try_number: int = 2) -> dict:
    from airflow.sdk.api.datamodels._generated import DagRun, TaskInstance, TIRunContext
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    dag_run = DagRun(
        dag_id=DAG_ID,
        run_id=RUN_ID,
        logical_date=LOGICAL_DATE,
        data_interval_start=LOGICAL_DATE,
        data_interval_end=LOGICAL_DATE.add(days=1),
        run_after=pendulum.datetime(2024, 2, 14, 23, 30, tz="UTC"),
        start_date=pendulum.datetime(2024, 2, 14, 23, 30, 5, tz="UTC"),
        end_date=None,
        run_type="scheduled",
        state="running",
        consumed_asset_events=[],
        partition_key=None,
    )
    ti = TaskInstance(
        id=uuid.uuid4(),
        task_id="ingest_sgs",
        dag_id=DAG_ID,
        run_id=RUN_ID,
        try_number=try_number,
        dag_version_id=uuid.uuid4(),
    )
    runtime_ti = RuntimeTaskInstance.model_construct(
        **ti.model_dump(exclude_unset=True),
        task=dag.get_task("ingest_sgs"),
        _ti_context_from_server=TIRunContext(dag_run=dag_run, max_tries=2),
        max_tries=2,
    )
    context = runtime_ti.get_template_context()
    context["exception"] = ValueError("SGS 432 returned <html> & no data\nTraceback line")
    return context


def test_task_failure_posts_one_message_naming_dag_task_date_and_log(slack_webhook) -> None:
    dag = _dag()
    context = _failed_task_context(dag)
    log_url = context["ti"].log_url
    assert log_url.endswith(f"/dags/{DAG_ID}/runs/{quote(RUN_ID)}/tasks/ingest_sgs?try_number=2")

    SlackFailureNotifier()(context)

    assert len(slack_webhook.posts) == 1
    post = slack_webhook.posts[0]
    assert post.path == "/services/T000/B000/XXXX"
    assert post.content_type.startswith("application/json")
    text = post.json()["text"]
    assert f"`{DAG_ID}`" in text
    assert "`ingest_sgs`" in text
    assert RUN_ID in text
    assert "2024-02-14T03:00:00+00:00" in text
    assert "*Try*: 2" in text
    # The first line of the exception, with Slack's control characters escaped.
    assert "ValueError: SGS 432 returned &lt;html&gt; &amp; no data" in text
    assert "Traceback line" not in text
    assert log_url in text


def test_dag_level_failure_posts_the_reason(slack_webhook) -> None:
    dag = _dag()
    SlackFailureNotifier()({"dag": dag, "run_id": RUN_ID, "reason": "task_failure"})

    [post] = slack_webhook.posts
    text = post.json()["text"]
    assert f"`{DAG_ID}`" in text and RUN_ID in text
    assert "*Reason*: task_failure" in text
    assert "*Task*" not in text


def test_headline_is_a_template_and_survives_repeated_failures(slack_webhook) -> None:
    """One instance serves every failure of the DAG (default_args): each call renders afresh."""
    notifier = SlackFailureNotifier(headline=":red_circle: {{ dag.dag_id }} failed on {{ ds }}")
    dag = _dag()

    notifier(_failed_task_context(dag, try_number=1))
    notifier(_failed_task_context(dag, try_number=2))

    texts = [p.json()["text"] for p in slack_webhook.posts]
    assert len(texts) == 2
    assert all(t.startswith(f":red_circle: {DAG_ID} failed on 2024-02-14\n") for t in texts)
    assert "*Try*: 1" in texts[0] and "*Try*: 2" in texts[1]
    assert notifier.headline == ":red_circle: {{ dag.dag_id }} failed on {{ ds }}"
    assert "headline" in SlackFailureNotifier.template_fields
    assert "slack_webhook_conn_id" in SlackFailureNotifier.template_fields


def test_other_connection_ids_and_missing_connections(slack_webhook, monkeypatch, caplog) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_SLACK_OPS",
        f'{{"conn_type": "slackwebhook", "password": "{slack_webhook.url}"}}',
    )
    notifier = SlackFailureNotifier(slack_webhook_conn_id="slack_ops")
    notifier({"dag": _dag(), "run_id": RUN_ID, "reason": "timed out"})
    assert len(slack_webhook.posts) == 1
    assert notifier.slack_webhook_conn_id == "slack_ops"

    # No such connection (a laptop, CI): a warning, no post, and no error that would hide
    # the task's own failure in the log.
    with caplog.at_level("WARNING"):
        SlackFailureNotifier(slack_webhook_conn_id="slack_nowhere")(
            {"dag": _dag(), "run_id": RUN_ID}
        )
    assert len(slack_webhook.posts) == 1
    assert "no 'slack_nowhere' connection" in caplog.text


def test_hook_is_built_lazily_from_the_default_connection(slack_webhook) -> None:
    notifier = SlackFailureNotifier()
    assert "hook" not in notifier.__dict__  # nothing built at DAG-parse time
    assert notifier.hook.slack_webhook_conn_id == "slack_default"
    assert notifier.hook is notifier.hook  # cached
    assert notifier.hook.client.url == slack_webhook.url


def test_usable_at_task_level_and_dag_level() -> None:
    notifier = SlackFailureNotifier()
    dag = _dag(default_args={"on_failure_callback": notifier}, on_failure_callback=notifier)

    task_callbacks = dag.get_task("ingest_sgs").on_failure_callback
    assert notifier in (task_callbacks if isinstance(task_callbacks, list) else [task_callbacks])
    dag_callbacks = dag.on_failure_callback
    assert notifier in (dag_callbacks if isinstance(dag_callbacks, list) else [dag_callbacks])
    serialized = DagSerialization.to_dict(dag)
    assert serialized["dag"]["has_on_failure_callback"] is True
    [task_data] = serialized["dag"]["tasks"]
    assert task_data["__var"].get("has_on_failure_callback") is True


def test_message_without_a_task_instance() -> None:
    text = failure_message({"run_id": "manual__x", "exception": KeyError("k")}, headline="H")
    assert text.splitlines()[0] == "H"
    assert "*DAG*: `?`" in text and "manual__x" in text and "KeyError: 'k'" in text


def test_dag_level_context_with_a_serialized_dag(slack_webhook) -> None:
    """`airflow dags test` runs DAG callbacks with a SerializedDAG in the context, which has no
    template env (apache/airflow#64649). The notifier still renders and posts."""
    scheduler_dag = DagSerialization.from_dict(DagSerialization.to_dict(_dag()))
    assert not hasattr(scheduler_dag, "get_template_env")

    notifier = SlackFailureNotifier(headline="DAG failed: {{ dag.dag_id }}")
    notifier({"dag": scheduler_dag, "run_id": RUN_ID, "reason": "task_failure"})

    [post] = slack_webhook.posts
    assert post.json()["text"].startswith(f"DAG failed: {DAG_ID}\n")
