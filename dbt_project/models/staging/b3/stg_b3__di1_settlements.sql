with

source as (

    select * from {{ source('b3', 'di1_settlements') }}

),

renamed as (

    select
        ticker,
        substr(ticker, 4) as contract_code,
        trade_date,
        maturity_date,
        business_days as business_days_to_maturity,
        business_days = 0 as is_expiry_date,
        cast(settlement_pu as double precision) as settlement_pu,
        -- B3 prints 0,00 as the previous settlement on a contract's first session: no price.
        cast(nullif(previous_settlement_pu, 0) as double precision) as previous_settlement_pu,
        cast(variation as double precision) as variation_points,
        -- Published unsigned; the variation carries the sign (R$ credited to a long-PU position).
        cast(sign(variation) * abs(adjustment_value_brl) as double precision) as adjustment_value_brl,
        cast(implied_rate_pct as double precision) as implied_rate_pct,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
