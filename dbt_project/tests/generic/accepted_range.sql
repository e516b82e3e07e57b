{#-
    Fails on every row whose `column_name` lies outside [min_value, max_value]
    (open bounds with inclusive=false). Either bound may be omitted; nulls are not checked
    (pair with not_null).

        data_tests:
          - accepted_range:
              arguments:
                min_value: 1
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("accepted_range needs min_value, max_value or both") }}
{%- endif -%}

{%- set low = '>=' if inclusive else '>' -%}
{%- set high = '<=' if inclusive else '<' -%}

with

checked as (

    select
        {{ column_name }} as checked_value

    from {{ model }}
    where {{ column_name }} is not null

),

final as (

    select * from checked
    where not (
        true
        {%- if min_value is not none %}
        and checked_value {{ low }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        and checked_value {{ high }} {{ max_value }}
        {%- endif %}
    )

)

select * from final

{% endtest %}
