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
        -- From the PU itself: the published-at-load rate is rounded to 1e-6 %.
        case
            when business_days > 0
                then power(100000.0 / cast(settlement_pu as double precision), 252.0 / business_days) - 1
        end as implied_rate_decimal,
        cast(settlement_pu as double precision) / 100000 as discount_factor,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
