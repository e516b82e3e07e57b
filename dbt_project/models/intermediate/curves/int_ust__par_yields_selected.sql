with

treasury_par_yields as (

    select * from {{ ref('stg_treasury__par_yields') }}

),

fred_observations as (

    select * from {{ ref('stg_fred__observations') }}

),

treasury_points as (

    select
        curve_date,
        'treasury' as source_code,
        tenor_code,
        tenor_months,
        yield_decimal,
        known_at

    from treasury_par_yields

),

fred_points as (

    -- H.15 constant-maturity yields are read off the same Treasury par curve (FRED DGS*).
    select
        observation_date as curve_date,
        'fred' as source_code,
        case fred_series_id
            when 'DGS1MO' then '1M'
            when 'DGS3MO' then '3M'
            when 'DGS6MO' then '6M'
            else substr(fred_series_id, 4) || 'Y'
        end as tenor_code,
        case fred_series_id
            when 'DGS1MO' then 1.0
            when 'DGS3MO' then 3.0
            when 'DGS6MO' then 6.0
            else 12.0 * cast(substr(fred_series_id, 4) as integer)
        end as tenor_months,
        value / 100 as yield_decimal,
        known_at

    from fred_observations
    where fred_series_id in (
        'DGS1MO', 'DGS3MO', 'DGS6MO', 'DGS1', 'DGS2', 'DGS3', 'DGS5', 'DGS7', 'DGS10', 'DGS20', 'DGS30'
    )

),

treasury_start as (

    select min(curve_date) as first_curve_date
    from treasury_points

),

points as (

    select * from treasury_points

    union all

    -- FRED only for the history before the Treasury feed starts (all of it when bronze holds
    -- no Treasury curve): two sources on one date would mix rounding and holiday calendars.
    select fred_points.*
    from fred_points
    cross join treasury_start
    where
        treasury_start.first_curve_date is null
        or fred_points.curve_date < treasury_start.first_curve_date

),

flagged as (

    select
        *,
        -- Treasury publishes after the close: what New York knew by midnight is the day's curve.
        known_at < cast(curve_date + 1 as timestamp) at time zone 'America/New_York'
            as is_known_by_close

    from points

),

selected as (

    -- The latest vintage known by the end of the curve date; when every vintage came later
    -- (a backfill, or FRED's next-day release), the earliest one, whose known_at keeps PIT
    -- readers away from it.
    select distinct on (curve_date, tenor_months)
        curve_date,
        tenor_months,
        tenor_code,
        source_code,
        yield_decimal,
        is_known_by_close,
        known_at

    from flagged
    order by
        curve_date,
        tenor_months,
        is_known_by_close desc,
        case when is_known_by_close then known_at end desc nulls last,
        known_at

),

final as (

    select * from selected

)

select * from final
