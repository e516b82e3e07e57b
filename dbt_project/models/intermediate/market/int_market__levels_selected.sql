with

panel as (

    select calendar_code, panel_date, series_id, value, observation_date, known_at
    from {{ ref('fct_business_day_panel') }}

),

series as (

    select series_id, unit, calendar
    from {{ ref('dim_series') }}

),

sessions as (

    select calendar_code, calendar_date, business_day_number
    from {{ ref('dim_calendar_days') }}
    where is_business_day

),

curve_spreads as (

    select * from {{ ref('int_market__curve_spreads_computed') }}

),

carries as (

    select * from {{ ref('int_market__carries_computed') }}

),

rate_and_spread_series as (

    -- Rates, spreads and implied volatility: levels that mean-revert, so a z-score of the
    -- level says something. Prices are left to their returns.
    select series_id, unit, calendar
    from series
    where series_id in (
        'fred__DGS2',
        'fred__DGS10',
        'fred__DGS30',
        'fred__T10YIE',
        'fred__BAMLH0A0HYM2',
        'fred__VIXCLS',
        'ipeadata__JPM366_EMBI366'
    )

),

series_levels as (

    -- The level as known at the end of each session of the series' own market, forward-filled
    -- within its staleness limit (a level, unlike a return, persists between prints).
    select
        p.calendar_code,
        p.panel_date as level_date,
        p.series_id as subject_id,
        p.value,
        s.unit,
        p.observation_date as first_observation_date,
        p.observation_date as last_observation_date,
        p.known_at,
        false as is_derived
    from panel as p
    inner join rate_and_spread_series as s
        on s.series_id = p.series_id and s.calendar = p.calendar_code
    where p.value is not null

),

derived_levels as (

    select *, true as is_derived from curve_spreads
    union all
    select *, true as is_derived from carries

),

levels as (

    select * from series_levels
    union all
    select * from derived_levels

),

final as (

    select
        l.calendar_code,
        l.level_date,
        s.business_day_number as session_number,
        l.subject_id,
        l.value,
        l.unit,
        l.first_observation_date,
        l.last_observation_date,
        l.known_at,
        l.is_derived

    from levels as l
    inner join sessions as s
        on s.calendar_code = l.calendar_code and s.calendar_date = l.level_date

)

select * from final
