{#-
    Units: values stay as published in bronze and fct_observations (exports must round-trip);
    silver adds a normalised copy. Percent and percentage points become decimal fractions
    (13.75 % p.a. -> 0.1375), basis points too (250 bp -> 0.025); levels are unchanged.
-#}
{% macro unit_scale(unit) -%}
    case
        when {{ unit }} = 'bp' then 0.0001
        when {{ unit }} = 'pp' or left({{ unit }}, 1) = '%' then 0.01
        else 1.0
    end
{%- endmacro %}

{% macro normalised_unit(unit) -%}
    case
        when {{ unit }} in ('bp', 'pp') then 'decimal'
        when left({{ unit }}, 1) = '%' then 'decimal' || substr({{ unit }}, 2)
        else {{ unit }}
    end
{%- endmacro %}
