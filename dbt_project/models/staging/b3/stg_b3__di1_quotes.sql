with

source as (

    select * from {{ source('b3', 'di1_quotes') }}

),

renamed as (

    select
        ticker,
        substr(ticker, 4) as contract_code,
        trade_date,
        quote_time as quoted_at,
        maturity_date,
        business_days as business_days_to_maturity,
        cast(last_rate_pct as double precision) as last_rate_pct,
        cast(bid_rate_pct as double precision) as bid_rate_pct,
        cast(ask_rate_pct as double precision) as ask_rate_pct,
        cast(last_rate_pct as double precision) / 100 as last_rate_decimal,
        cast(bid_rate_pct as double precision) / 100 as bid_rate_decimal,
        cast(ask_rate_pct as double precision) / 100 as ask_rate_decimal,
        cast(previous_settlement_rate_pct as double precision) as previous_settlement_rate_pct,
        cast(open_rate_pct as double precision) as open_rate_pct,
        cast(min_rate_pct as double precision) as min_rate_pct,
        cast(max_rate_pct as double precision) as max_rate_pct,
        cast(avg_rate_pct as double precision) as avg_rate_pct,
        open_contracts,
        trades,
        traded_contracts,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
