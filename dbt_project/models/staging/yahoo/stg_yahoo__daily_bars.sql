with

source as (

    select * from {{ source('yahoo', 'daily_bars') }}

),

renamed as (

    select
        'yahoo__' || series_code as series_id,
        series_code,
        symbol,
        bar_date,
        cast(open as double precision) as open_price,
        cast(high as double precision) as high_price,
        cast(low as double precision) as low_price,
        cast(close as double precision) as close_price,
        cast(adj_close as double precision) as adj_close_price,
        volume,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
