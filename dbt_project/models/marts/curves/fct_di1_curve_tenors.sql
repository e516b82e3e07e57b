with

vertices as (

    select * from {{ ref('int_di1__vertices_selected') }}

),

anchored as (

    -- Today is a vertex too: DF(0) = 1, so short tenors interpolate from the overnight.
    select trade_date, ticker, business_days_to_maturity, log_discount_factor, known_at
    from vertices

    union all

    select distinct
        trade_date,
        'spot' as ticker,
        0 as business_days_to_maturity,
        0.0 as log_discount_factor,
        null::timestamptz as known_at
    from vertices

),

tenors as (

    select unnest(array[21, 63, 126, 252, 504, 756, 1260, 2520]) as tenor_bd

),

brackets as (

    select
        a.trade_date,
        t.tenor_bd,
        max(a.business_days_to_maturity) filter (
            where a.business_days_to_maturity <= t.tenor_bd
        ) as lower_bd,
        min(a.business_days_to_maturity) filter (
            where a.business_days_to_maturity >= t.tenor_bd
        ) as upper_bd
    from anchored as a
    cross join tenors as t
    group by a.trade_date, t.tenor_bd

),

interpolated as (

    -- Flat forward on 252 business days: ln DF is linear in business days between vertices.
    -- Tenors past the last listed contract are not extrapolated (the inner join drops them).
    select
        b.trade_date,
        b.tenor_bd,
        lo.ticker as lower_ticker,
        hi.ticker as upper_ticker,
        case
            when b.upper_bd = b.lower_bd then lo.log_discount_factor
            else lo.log_discount_factor
                + (hi.log_discount_factor - lo.log_discount_factor)
                * (b.tenor_bd - b.lower_bd)::double precision / (b.upper_bd - b.lower_bd)
        end as log_discount_factor,
        greatest(lo.known_at, hi.known_at) as known_at
    from brackets as b
    inner join anchored as lo
        on lo.trade_date = b.trade_date and lo.business_days_to_maturity = b.lower_bd
    inner join anchored as hi
        on hi.trade_date = b.trade_date and hi.business_days_to_maturity = b.upper_bd

),

final as (

    select
        trade_date,
        tenor_bd,
        (exp(-log_discount_factor * 252.0 / tenor_bd) - 1) * 100 as rate_pct,
        exp(log_discount_factor) as discount_factor,
        lower_ticker,
        upper_ticker,
        known_at

    from interpolated

)

select * from final
