with

di1_tenors as (

    select * from {{ ref('fct_di1_curve_tenors') }}

),

ust_tenors as (

    select * from {{ ref('fct_ust_curve_tenors') }}

),

pairs as (

    -- forward_code: start tenor and length, in years (DI1: 252 business days a year).
    select *
    from (
        values
            ('DI1', '1y1y', 252, 504),
            ('DI1', '2y1y', 504, 756),
            ('DI1', '2y3y', 504, 1260),
            ('DI1', '5y5y', 1260, 2520),
            ('UST', '1y1y', 12, 24),
            ('UST', '2y1y', 24, 36),
            ('UST', '5y5y', 60, 120),
            ('UST', '10y10y', 120, 240)
    ) as standard_pairs (curve_code, forward_code, start_tenor, end_tenor)

),

di1_forwards as (

    -- Exponential on 252 business days: (1 + f) ^ ((end - start) / 252) = DF(start) / DF(end).
    select
        start_point.trade_date as curve_date,
        pairs.curve_code,
        pairs.forward_code,
        pairs.start_tenor / 252.0 as start_tenor_years,
        pairs.end_tenor / 252.0 as end_tenor_years,
        (
            exp(
                (ln(start_point.discount_factor) - ln(end_point.discount_factor))
                * 252.0 / (pairs.end_tenor - pairs.start_tenor)
            ) - 1
        ) * 100 as forward_rate_pct,
        'exponential_252_business_days' as compounding,
        start_point.discount_factor as start_discount_factor,
        end_point.discount_factor as end_discount_factor,
        greatest(start_point.known_at, end_point.known_at) as known_at

    from pairs
    inner join di1_tenors as start_point
        on pairs.start_tenor = start_point.tenor_bd
    inner join di1_tenors as end_point
        on start_point.trade_date = end_point.trade_date
        and pairs.end_tenor = end_point.tenor_bd
    where pairs.curve_code = 'DI1'

),

ust_forwards as (

    -- Semiannual (bond-equivalent): (1 + f / 2) ^ (2 (end - start)) = DF(start) / DF(end).
    select
        start_point.curve_date,
        pairs.curve_code,
        pairs.forward_code,
        pairs.start_tenor / 12.0 as start_tenor_years,
        pairs.end_tenor / 12.0 as end_tenor_years,
        2 * (
            exp(
                (ln(start_point.discount_factor) - ln(end_point.discount_factor))
                * 6.0 / (pairs.end_tenor - pairs.start_tenor)
            ) - 1
        ) * 100 as forward_rate_pct,
        'semiannual' as compounding,
        start_point.discount_factor as start_discount_factor,
        end_point.discount_factor as end_discount_factor,
        greatest(start_point.known_at, end_point.known_at) as known_at

    from pairs
    inner join ust_tenors as start_point
        on pairs.start_tenor = start_point.tenor_months
    inner join ust_tenors as end_point
        on start_point.curve_date = end_point.curve_date
        and pairs.end_tenor = end_point.tenor_months
    where
        pairs.curve_code = 'UST'
        and start_point.discount_factor is not null
        and end_point.discount_factor is not null

),

final as (

    select * from di1_forwards
    union all
    select * from ust_forwards

)

select * from final
