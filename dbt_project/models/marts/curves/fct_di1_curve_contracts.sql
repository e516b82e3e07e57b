with

vertices as (

    select * from {{ ref('int_di1__vertices_selected') }}

),

final as (

    select
        trade_date,
        ticker,
        maturity_date,
        business_days_to_maturity,
        settlement_pu,
        (power(100000.0 / settlement_pu, 252.0 / business_days_to_maturity) - 1) * 100 as rate_pct,
        discount_factor,
        known_at

    from vertices

)

select * from final
