# One image for Airflow (api-server, scheduler, dag-processor, triggerer) and the platform API.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/macro
COPY requirements.txt pyproject.toml README.md ./
RUN pip install --no-cache-dir uv==0.13.9 && uv pip install --system --no-cache -r requirements.txt
COPY . .
ENV AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/macro/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/macro/plugins \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    PYTHONPATH=/opt/macro
# The manifest lets Cosmos render the dbt task group without running dbt at parse time.
RUN uv pip install --system --no-deps -e . \
    && cd dbt_project && dbt parse --quiet --profiles-dir . --project-dir .
