-- A table: the mart and the tests read it several times.
{{ config(materialized='table') }}

with

par_yields as (

    select * from {{ ref('int_ust__par_yields_selected') }}

),

segments as (

    -- Each published tenor to the next one of the same day.
    select
        curve_date,
        tenor_months,
        yield_decimal,
        known_at,
        lead(tenor_months) over by_tenor as next_tenor_months,
        lead(yield_decimal) over by_tenor as next_yield_decimal,
        lead(known_at) over by_tenor as next_known_at,
        min(tenor_months) over (partition by curve_date) as shortest_tenor_months

    from par_yields
    window by_tenor as (partition by curve_date order by tenor_months)

),

interpolated as (

    -- Semiannual coupon dates (6, 12, … months) up to the day's longest tenor, each within the
    -- segment of published tenors around it: par yields are linear in maturity there, and the
    -- point depends on both ends. A day without a bill up to 6 months has no start for the
    -- bootstrap and is left out.
    select
        segments.curve_date,
        points.point_number,
        6 * points.point_number as grid_months,
        case
            when 6 * points.point_number = segments.tenor_months then segments.yield_decimal
            else segments.yield_decimal
                + (segments.next_yield_decimal - segments.yield_decimal)
                * (6 * points.point_number - segments.tenor_months)
                / (segments.next_tenor_months - segments.tenor_months)
        end as par_yield_decimal,
        case
            when 6 * points.point_number = segments.tenor_months then segments.known_at
            else greatest(segments.known_at, segments.next_known_at)
        end as point_known_at

    from segments
    cross join lateral generate_series(
        cast(ceil(segments.tenor_months / 6) as integer),
        case
            when segments.next_tenor_months is null
                then cast(floor(segments.tenor_months / 6) as integer)
            else cast(ceil(segments.next_tenor_months / 6) as integer) - 1
        end
    ) as points (point_number)
    where segments.shortest_tenor_months <= 6 and points.point_number >= 1

),

growth as (

    select
        *,
        ln(1 + par_yield_decimal / 2) as log_growth,
        sum(ln(1 + par_yield_decimal / 2)) over running as log_growth_to_point,
        max(point_known_at) over running as known_at

    from interpolated
    window running as (partition by curve_date order by point_number)

),

annuities as (

    -- Par bond n pays c_n / 2 at points 1..n and 1 at point n, and is worth 1:
    --   DF_n = (1 - c_n / 2 * S_{n-1}) / g_n,   S_n = S_{n-1} + DF_n,   g_n = 1 + c_n / 2,
    -- so S_n = (S_{n-1} + 1) / g_n, which unrolls from S_0 = 0 to
    --   S_n = sum_{j<=n} 1 / (g_j … g_n) = exp(-G_n) * sum_{j<=n} exp(G_{j-1}),
    -- with G_n = ln g_1 + … + ln g_n: running sums, so the bootstrap is set-based. Point 1 is
    -- the 6-month bill as a bond-equivalent zero, the same formula with S_0 = 0.
    select
        *,
        coalesce(
            exp(log_growth - log_growth_to_point)
            * sum(exp(log_growth_to_point - log_growth)) over (
                partition by curve_date
                order by point_number
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as previous_annuity_factor

    from growth

),

final as (

    select
        curve_date,
        grid_months as tenor_months,
        par_yield_decimal,
        (1 - par_yield_decimal / 2 * previous_annuity_factor) / (1 + par_yield_decimal / 2)
            as discount_factor,
        -- Bond-equivalent zero rate: DF = (1 + z / 2) ^ (-2 t), t = months / 12.
        2 * (
            power(
                (1 - par_yield_decimal / 2 * previous_annuity_factor) / (1 + par_yield_decimal / 2),
                -1.0 / point_number
            ) - 1
        ) as zero_rate_decimal,
        known_at

    from annuities

)

select * from final
