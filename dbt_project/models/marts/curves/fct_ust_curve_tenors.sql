with

par_yields as (

    select * from {{ ref('int_ust__par_yields_selected') }}

),

zero_curve as (

    select * from {{ ref('int_ust__zero_curve_bootstrapped') }}

),

final as (

    select
        par_yields.curve_date,
        par_yields.tenor_code,
        par_yields.tenor_months,
        par_yields.yield_decimal * 100 as par_yield_pct,
        -- Bills (under a year) are zero coupon: their bond-equivalent yield is the zero rate.
        case
            when par_yields.tenor_months < 12 then par_yields.yield_decimal * 100
            else zero_curve.zero_rate_decimal * 100
        end as zero_rate_pct,
        case
            when par_yields.tenor_months < 12
                then power(1 + par_yields.yield_decimal / 2, -par_yields.tenor_months / 6)
            else zero_curve.discount_factor
        end as discount_factor,
        par_yields.source_code,
        case
            when par_yields.tenor_months < 12 then par_yields.known_at
            else coalesce(zero_curve.known_at, par_yields.known_at)
        end as known_at

    from par_yields
    left join zero_curve
        on par_yields.curve_date = zero_curve.curve_date
        and par_yields.tenor_months = zero_curve.tenor_months

)

select * from final
