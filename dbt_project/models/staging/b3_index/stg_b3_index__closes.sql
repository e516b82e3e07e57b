with

source as (

    select * from {{ source('b3_index', 'closes') }}

),

renamed as (

    select
        'b3_index__' || index_code as series_id,
        index_code,
        trade_date,
        -- Index points, as published (no unit change).
        cast(close as double precision) as close_points,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
