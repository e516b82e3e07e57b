with

settlements as (

    select * from {{ ref('stg_b3__di1_settlements') }}

),

flagged as (

    select
        *,
        -- B3 publishes after the session: what São Paulo knew by midnight is the day's curve.
        known_at < cast(trade_date + 1 as timestamp) at time zone 'America/Sao_Paulo'
            as is_known_by_close

    from settlements
    where business_days_to_maturity > 0

),

selected as (

    -- The latest vintage known by the end of the trade date; when every vintage came later
    -- (a backfill), the earliest one, whose known_at then keeps PIT readers away from it.
    select distinct on (trade_date, ticker)
        trade_date,
        ticker,
        maturity_date,
        business_days_to_maturity,
        settlement_pu,
        is_known_by_close,
        known_at

    from flagged
    order by
        trade_date,
        ticker,
        is_known_by_close desc,
        case when is_known_by_close then known_at end desc nulls last,
        known_at

),

final as (

    select
        trade_date,
        ticker,
        maturity_date,
        business_days_to_maturity,
        settlement_pu,
        settlement_pu / 100000.0 as discount_factor,
        ln(settlement_pu / 100000.0) as log_discount_factor,
        is_known_by_close,
        known_at

    from selected

)

select * from final
