{#-
    `column` never decreases along `order_by` within each group: e.g. the observation a panel
    shows only moves forward in time. Fails on every row where it steps back.
-#}
{% test monotonic_by_group(model, group_by, order_by, column) %}

with ordered as (

    select
        {{ group_by | join(', ') }},
        {{ order_by }},
        {{ column }},
        lag({{ column }}) over (
            partition by {{ group_by | join(', ') }}
            order by {{ order_by }}
        ) as previous_value
    from {{ model }}

)

select *
from ordered
where {{ column }} < previous_value

{% endtest %}
