with

catalog as (

    select series_id, unit, rate_basis from {{ ref('series_catalog') }}

),

source as (

    select * from {{ source('ibge', 'sidra_values') }}

),

renamed as (

    select
        case
            when table_id = 7060 and variable_id = 63 and classification = '315'
                then 'ibge__ipca_' || category
            when table_id = 6381 and variable_id = 4099 then 'ibge__pnad_unemployment'
            when table_id = 5932 and variable_id = 6564 and category = '90707'
                then 'ibge__gdp_qoq_sa'
        end as series_id,
        table_id,
        variable_id,
        classification,
        category,
        period,
        observation_date,
        cast(value as double precision) as value_pct,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

normalised as (

    -- Values stay as published; value_normalised is in decimal (see macros/units.sql).
    select
        renamed.*,
        catalog.unit,
        {{ normalised_unit('catalog.unit') }} as normalised_unit,
        catalog.rate_basis,
        renamed.value_pct * {{ unit_scale('catalog.unit') }} as value_normalised

    from renamed
    left join catalog on catalog.series_id = renamed.series_id

),

final as (

    select * from normalised

)

select * from final
