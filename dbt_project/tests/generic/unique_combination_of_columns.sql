{#-
    Fails on every combination of `combination_of_columns` that occurs more than once
    (the primary key of a model whose key spans several columns).

        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [series_id, observation_date, known_at]
-#}
{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}

{%- set columns = [] -%}
{%- for column in combination_of_columns -%}
    {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
{%- set column_list = columns | join(', ') -%}

with

validation as (

    select
        {{ column_list }},
        count(*) as n_rows

    from {{ model }}
    group by {{ column_list }}

),

final as (

    select * from validation
    where n_rows > 1

)

select * from final

{% endtest %}
