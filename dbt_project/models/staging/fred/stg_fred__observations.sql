with

source as (

    select * from {{ source('fred', 'observations') }}

),

renamed as (

    select
        'fred__' || series_id as series_id,
        series_id as fred_series_id,
        observation_date,
        cast(value as double precision) as value,
        realtime_start,
        realtime_end,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
