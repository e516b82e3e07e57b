{#-
    Custom schemas are used verbatim: `+schema: gold` builds in `gold`, not `<target>_gold`.
    Models without a custom schema land in the target schema (silver).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
