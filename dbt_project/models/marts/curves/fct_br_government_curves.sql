with

vertices as (

    select * from {{ ref('int_br_government_curves__vertices_bootstrapped') }}

),

anchored as (

    -- Today is a vertex of both curves: DF(0) = 1.
    select
        curve_date,
        curve_code,
        business_days_to_maturity,
        log_discount_factor,
        known_at

    from vertices

    union all

    select distinct
        curve_date,
        curve_code,
        0 as business_days_to_maturity,
        0.0 as log_discount_factor,
        cast(null as timestamptz) as known_at

    from vertices

),

tenors as (

    select unnest(array[126, 252, 504, 756, 1260, 2520]) as tenor_bd

),

brackets as (

    select
        anchored.curve_date,
        anchored.curve_code,
        tenors.tenor_bd,
        max(anchored.business_days_to_maturity) filter (
            where anchored.business_days_to_maturity <= tenors.tenor_bd
        ) as lower_bd,
        min(anchored.business_days_to_maturity) filter (
            where anchored.business_days_to_maturity >= tenors.tenor_bd
        ) as upper_bd

    from anchored
    cross join tenors
    group by anchored.curve_date, anchored.curve_code, tenors.tenor_bd

),

interpolated as (

    -- Flat forward on 252 business days: ln DF is linear in du between vertices. A tenor past
    -- the curve's last bond has no upper vertex: the inner join leaves it out (no extrapolation).
    select
        brackets.curve_date,
        brackets.curve_code,
        brackets.tenor_bd,
        case
            when brackets.upper_bd = brackets.lower_bd then lower_vertex.log_discount_factor
            else lower_vertex.log_discount_factor
                + (upper_vertex.log_discount_factor - lower_vertex.log_discount_factor)
                * cast(brackets.tenor_bd - brackets.lower_bd as double precision)
                / (brackets.upper_bd - brackets.lower_bd)
        end as log_discount_factor,
        -- The bootstrap makes each vertex depend on every shorter bond: its known_at is already
        -- the latest of them, so the upper vertex's is the curve's up to the tenor.
        coalesce(upper_vertex.known_at, lower_vertex.known_at) as known_at

    from brackets
    inner join anchored as lower_vertex
        on brackets.curve_date = lower_vertex.curve_date
        and brackets.curve_code = lower_vertex.curve_code
        and brackets.lower_bd = lower_vertex.business_days_to_maturity
    inner join anchored as upper_vertex
        on brackets.curve_date = upper_vertex.curve_date
        and brackets.curve_code = upper_vertex.curve_code
        and brackets.upper_bd = upper_vertex.business_days_to_maturity

),

pivoted as (

    select
        curve_date,
        tenor_bd,
        max(log_discount_factor) filter (where curve_code = 'nominal') as nominal_log_discount_factor,
        max(log_discount_factor) filter (where curve_code = 'real') as real_log_discount_factor,
        max(known_at) as known_at

    from interpolated
    group by curve_date, tenor_bd

),

final as (

    select
        curve_date,
        tenor_bd,
        (exp(-nominal_log_discount_factor * 252.0 / tenor_bd) - 1) * 100 as nominal_rate_pct,
        (exp(-real_log_discount_factor * 252.0 / tenor_bd) - 1) * 100 as real_rate_pct,
        -- (1 + nominal) / (1 + real) - 1, both exponential on 252 business days.
        (exp((real_log_discount_factor - nominal_log_discount_factor) * 252.0 / tenor_bd) - 1)
        * 100 as breakeven_pct,
        exp(nominal_log_discount_factor) as nominal_discount_factor,
        exp(real_log_discount_factor) as real_discount_factor,
        known_at

    from pivoted

)

select * from final
