with

instrument_catalog as (

    select * from {{ ref('instrument_catalog') }}

),

series as (

    select series_id from {{ ref('dim_series') }}

),

final as (

    select
        i.instrument_id,
        i.name as instrument_name,
        i.asset_class,
        i.instrument_type,
        i.exchange,
        i.currency as currency_code,
        i.calendar,
        i.timezone,
        cast(i.close_time as time) as close_time,
        i.contract_multiplier,
        i.tick_size,
        i.quote_convention,
        i.price_source,
        -- A price source is a catalogued series or a bronze table (DI1 settlements, ANBIMA).
        s.series_id as price_series_id,
        i.description

    from instrument_catalog as i
    left join series as s on s.series_id = i.price_source

)

select * from final
