with

source as (

    select * from {{ source('ipeadata', 'values') }}

),

renamed as (

    select
        'ipeadata__' || series_code as series_id,
        series_code as ipeadata_series_code,
        territory_code,
        observation_date,
        cast(value as double precision) as value,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
