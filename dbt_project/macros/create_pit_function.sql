{#-
    on-run-end: (re)create the point-in-time functions of the vintaged gold tables, for SQL
    clients:

        gold.observations_as_of(p_as_of timestamptz)    over fct_observations (series_id)
        gold.macro_features_as_of(p_as_of timestamptz)  over fct_macro_features (feature_id)

    Each returns, for every (id, observation_date), the latest vintage with known_at <= p_as_of:
    never a value the market could not yet know.

    A function lives in the schema of its table (gold). It is created only once that table
    exists (a SQL function body is checked against the catalog at creation), and only when the
    table was built by this invocation or the function is missing, so that `dbt seed` on a
    fresh database and parallel Cosmos tasks do not race on `create or replace`.
    The body is a string (not `begin atomic`), so rebuilding the table does not touch it.
-#}
{% macro create_pit_functions() -%}
    {{ create_pit_function('fct_observations', 'observations_as_of', 'series_id') }}
    {{ create_pit_function('fct_macro_features', 'macro_features_as_of', 'feature_id') }}
{%- endmacro %}

{% macro create_pit_function(model_name, function_name, id_column) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}

    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
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

    {%- set function = adapter.quote(node.schema) ~ '.' ~ function_name -%}

    {%- set model_built = [] -%}
    {%- for result in results -%}
        {%- if result.node.unique_id == node.unique_id and result.status == 'success' -%}
            {%- do model_built.append(true) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set exists_query -%}
        select to_regprocedure({{ dbt.string_literal(function ~ '(timestamptz)') }}) is not null
    {%- endset -%}
    {%- set function_exists = run_query(exists_query).columns[0].values()[0] -%}

    {%- if function_exists and not model_built -%}
        {{ return('') }}
    {%- endif -%}

    {%- set sql -%}
create or replace function {{ function }}(p_as_of timestamptz)
returns table (
    {{ id_column }} text,
    observation_date date,
    value double precision,
    known_at timestamptz
)
language sql
stable
as $pit$
    select distinct on (t.{{ id_column }}, t.observation_date)
        t.{{ id_column }},
        t.observation_date,
        t.value,
        t.known_at
    from {{ table.include(database=false) }} as t
    where t.known_at <= p_as_of
    order by t.{{ id_column }}, t.observation_date, t.known_at desc
$pit$;

comment on function {{ function }}(timestamptz) is
    'Point-in-time {{ model_name }}: for each ({{ id_column }}, observation_date) the latest vintage with known_at <= p_as_of. Built by dbt (macro create_pit_function).';
    {%- endset -%}
    {%- do run_query(sql) -%}
{%- endmacro %}
