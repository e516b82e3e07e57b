with

-- Not materialized: the lateral look-up below must reach the table's
-- (series_id, observation_date, known_at) index.
observations as not materialized (

    select * from {{ ref('fct_observations') }}

),

dim_series as (

    select * from {{ ref('dim_series') }}

),

di1_curve_tenors as (

    select * from {{ ref('fct_di1_curve_tenors') }}

),

focus_ipca_12m as (

    select series_id, staleness_limit_days
    from dim_series
    where series_id = 'bcb_focus__ipca_12m_median'

),

di1_one_year as (

    select trade_date, rate_pct, known_at
    from di1_curve_tenors
    where tenor_bd = 252

),

paired as (

    -- The latest Focus median the market knew at the DI1 close; a survey older than the
    -- series' staleness limit means Focus stopped, so that day has no real rate.
    select
        d.trade_date,
        d.rate_pct as nominal_pct,
        f.value as expected_inflation_pct,
        greatest(d.known_at, f.known_at) as known_at
    from di1_one_year as d
    cross join focus_ipca_12m as s
    cross join lateral (
        select o.observation_date, o.value, o.known_at
        from observations as o
        where
            o.series_id = s.series_id
            and o.observation_date <= d.trade_date
            and o.known_at <= d.known_at
        order by o.observation_date desc, o.known_at desc
        limit 1
    ) as f
    where f.observation_date >= d.trade_date - s.staleness_limit_days

),

final as (

    select
        'real_rate_ex_ante_1y' as feature_id,
        trade_date as observation_date,
        cast(
            round(
                cast(
                    ((1 + nominal_pct / 100) / (1 + expected_inflation_pct / 100) - 1) * 100
                    as numeric
                ),
                10
            ) as double precision
        ) as value,
        '% p.a.' as unit,
        known_at
    from paired

)

select * from final
