with

settlements as (

    select * from {{ ref('stg_b3__di1_settlements') }}

),

latest as (

    -- The newest vintage of each contract's settlement; its known_at travels with it.
    select distinct on (trade_date, ticker)
        trade_date,
        ticker,
        business_days_to_maturity,
        settlement_pu,
        known_at

    from settlements
    where business_days_to_maturity > 0
    order by trade_date, ticker, known_at desc

),

final as (

    select
        trade_date,
        ticker,
        business_days_to_maturity,
        settlement_pu / 100000.0 as discount_factor,
        ln(settlement_pu / 100000.0) as log_discount_factor,
        known_at

    from latest

)

select * from final
