{#-
    on-run-end: (re)create `<gold>.observations_as_of(p_as_of timestamptz)`, the point-in-time
    view of fct_observations for SQL clients: for each (series_id, observation_date) the latest
    vintage with known_at <= p_as_of, never a value the market could not yet know.

    The function lives in the schema of fct_observations (gold). It is created only once that
    table exists (a SQL function body is checked against the catalog at creation), and only when
    fct_observations was built by this invocation or the function is missing, so that `dbt seed`
    on a fresh database and parallel Cosmos tasks do not race on `create or replace`.
    The body is a string (not `begin atomic`), so rebuilding the table does not touch it.
-#}
{% macro create_pit_function() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}

    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.fct_observations') -%}
    {%- if node is none -%}
        {{ return('') }}
    {%- endif -%}

    {%- set table = adapter.get_relation(
        database=node.database,
        schema=node.schema,
        identifier=node.alias,
    ) -%}
    {%- if table is none -%}
        {{ return('') }}
    {%- endif -%}

    {%- set function_name = adapter.quote(node.schema) ~ '.observations_as_of' -%}

    {%- set model_built = [] -%}
    {%- for result in results -%}
        {%- if result.node.unique_id == node.unique_id and result.status == 'success' -%}
            {%- do model_built.append(true) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set exists_query -%}
        select to_regprocedure({{ dbt.string_literal(function_name ~ '(timestamptz)') }}) is not null
    {%- endset -%}
    {%- set function_exists = run_query(exists_query).columns[0].values()[0] -%}

    {%- if function_exists and not model_built -%}
        {{ return('') }}
    {%- endif -%}

create or replace function {{ function_name }}(p_as_of timestamptz)
returns table (
    series_id text,
    observation_date date,
    value double precision,
    known_at timestamptz
)
language sql
stable
as $observations_as_of$
    select distinct on (o.series_id, o.observation_date)
        o.series_id,
        o.observation_date,
        o.value,
        o.known_at
    from {{ table.include(database=false) }} as o
    where o.known_at <= p_as_of
    order by o.series_id, o.observation_date, o.known_at desc
$observations_as_of$;

comment on function {{ function_name }}(timestamptz) is
    'Point-in-time observations: for each (series_id, observation_date) the latest vintage with known_at <= p_as_of. Built by dbt (macro create_pit_function).';
{%- endmacro %}
