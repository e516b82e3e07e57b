{#-
    TimescaleDB helpers. Every helper is a no-op on plain PostgreSQL, so the same project gives
    identical results with or without the extension (docker-compose runs TimescaleDB, the
    embedded default does not).
-#}

{#-
    Post-hook: turn {{ this }} into a hypertable partitioned on `time_column` when the
    timescaledb extension is installed in this database; otherwise do nothing.

    A hypertable needs the time column in every unique index: do not give the model a unique
    index without it. Usage (model yml):

        config:
          post_hook:
            - "{{ timescale_hypertable('observation_date') }}"
-#}
{% macro timescale_hypertable(time_column, chunk_interval='1 year') -%}
do $timescale_hypertable$
declare
    ext_schema name;
begin
    select n.nspname into ext_schema
    from pg_extension as e
    inner join pg_namespace as n on n.oid = e.extnamespace
    where e.extname = 'timescaledb';

    if ext_schema is not null then
        execute format(
            'select %I.create_hypertable(%L::regclass, %L, chunk_time_interval => %L::interval, '
            'if_not_exists => true, migrate_data => true)',
            ext_schema,
            {{ dbt.string_literal(this.include(database=false) | string) }},
            {{ dbt.string_literal(time_column) }},
            {{ dbt.string_literal(chunk_interval) }}
        );
    end if;
end
$timescale_hypertable$
{%- endmacro %}
