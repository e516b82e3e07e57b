{#-
    TimescaleDB helpers. Every helper is a no-op on plain PostgreSQL, so the same project gives
    identical results with or without the extension (docker-compose runs TimescaleDB 2.17, the
    embedded default does not).
-#}

{#-
    Post-hook: turn {{ this }} into a hypertable partitioned on `time_column` when the
    timescaledb extension is installed in this database, and compress chunks older than
    `compress_after` (segmented by `segment_by`, so one series' history decompresses alone).
    Without the extension it does nothing.

    A hypertable needs the time column in every unique index: do not give the model a unique
    index without it. Incremental models keep their hypertable between runs (`if_not_exists`);
    TimescaleDB >= 2.11 accepts the delete+insert of a late vintage into a compressed chunk.
    Usage (model yml):

        config:
          post_hook:
            - "{{ timescale_hypertable('observation_date', segment_by='series_id') }}"
-#}
{% macro timescale_hypertable(
    time_column, chunk_interval='1 year', segment_by=none, compress_after='2 years'
) -%}
do $timescale_hypertable$
declare
    ext_schema name;
begin
    select n.nspname into ext_schema
    from pg_extension as e
    inner join pg_namespace as n on n.oid = e.extnamespace
    where e.extname = 'timescaledb';

    if ext_schema is not null then
        {{ timescale_hypertable_statements(this, time_column, chunk_interval, segment_by, compress_after) | indent(8) }}
    end if;
end
$timescale_hypertable$
{%- endmacro %}

{#-
    The PL/pgSQL statements of timescale_hypertable (they need `ext_schema`, the extension's
    schema). Split out so a test can render them without the extension:
    `dbt run-operation print_timescale_statements`.
-#}
{% macro timescale_hypertable_statements(
    relation, time_column, chunk_interval, segment_by, compress_after
) -%}
{%- set table = dbt.string_literal(relation.include(database=false) | string) -%}
execute format(
    'select %I.create_hypertable(%L::regclass, %L, chunk_time_interval => %L::interval, '
    'if_not_exists => true, migrate_data => true)',
    ext_schema, {{ table }}, {{ dbt.string_literal(time_column) }}, {{ dbt.string_literal(chunk_interval) }}
);
{%- if segment_by %}
execute format(
    'alter table %s set (timescaledb.compress, timescaledb.compress_segmentby = %L, '
    'timescaledb.compress_orderby = %L)',
    {{ table }}, {{ dbt.string_literal(segment_by) }}, {{ dbt.string_literal(time_column ~ ' desc') }}
);
execute format(
    'select %I.add_compression_policy(%L::regclass, %L::interval, if_not_exists => true)',
    ext_schema, {{ table }}, {{ dbt.string_literal(compress_after) }}
);
{%- endif %}
{%- endmacro %}

{% macro print_timescale_statements(relation_name='gold.example', time_column='observation_date', segment_by='series_id') -%}
    {%- set parts = relation_name.split('.') -%}
    {%- set relation = api.Relation.create(schema=parts[0], identifier=parts[1]) -%}
    {{ print(timescale_hypertable_statements(relation, time_column, '1 year', segment_by, '2 years')) }}
{%- endmacro %}
