with

catalog as (

    select series_id, unit, rate_basis from {{ ref('series_catalog') }}

),

source as (

    select * from {{ source('bcb_sgs', 'series') }}

),

renamed as (

    select
        'bcb_sgs__' || series_code as series_id,
        series_code,
        observation_date,
        cast(value as double precision) as value,
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
        renamed.value * {{ unit_scale('catalog.unit') }} as value_normalised

    from renamed
    left join catalog on catalog.series_id = renamed.series_id

),

final as (

    select * from normalised

)

select * from final
