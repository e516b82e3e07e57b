{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['calendar_code', 'panel_date', 'series_id'],
        on_schema_change='fail',
    )
}}

with

observations as (

    select
        series_id,
        observation_date,
        value,
        known_at,
        loaded_at
    from {{ ref('fct_observations') }}

),

series as (

    select series_id, frequency, staleness_limit_days
    from {{ ref('dim_series') }}

),

calendar_days as (

    select calendar_code, calendar_date
    from {{ ref('dim_calendar_days') }}
    where is_business_day and calendar_code in ('B3', 'NYSE')

),

{% if is_incremental() %}
restart as (

    -- A vintage loaded since the last build (a new day, a revision or a late back-fill) can only
    -- change panel dates from the day it became known: rebuild those, keep the rest.
    select min(timezone('America/Sao_Paulo', known_at)::date) - 1 as first_panel_date
    from observations
    where loaded_at > (select max(observations_loaded_through) from {{ this }})

),
{% endif %}

frontier as (

    -- The panel shows, for each series, its newest observation as known at the time. A vintage
    -- moves the frontier when it is the newest observation seen so far (a first release, or a
    -- revision of the latest one); revisions of older observations never reach the panel.
    select
        series_id,
        observation_date,
        value,
        known_at,
        observation_date >= max(observation_date) over (
            partition by series_id order by known_at
        ) as is_frontier
    from observations

),

events as (

    select series_id, observation_date, value, known_at
    from frontier
    where is_frontier

),

bounds as (

    select
        series_id,
        min(known_at) as first_known_at
    from events
    group by series_id

),

last_observed as (

    -- The panel runs to the newest observation date of any series (today's close in
    -- production), not to the latest known_at: release rules can date back-filled monthly
    -- values after the end of the daily data.
    select max(observation_date) as observed_through from observations

),

sessions as (

    -- A panel date sees what was known before the next midnight where its market closes.
    select
        d.calendar_code,
        d.calendar_date as panel_date,
        timezone(
            case d.calendar_code when 'B3' then 'America/Sao_Paulo' else 'America/New_York' end,
            cast(d.calendar_date + 1 as timestamp)
        ) as cutoff
    from calendar_days as d
    cross join last_observed as o
    where d.calendar_date <= o.observed_through
    {% if is_incremental() %}
        and d.calendar_date >= (select first_panel_date from restart)
    {% endif %}

),

grid as (

    select
        s.calendar_code,
        s.panel_date,
        s.cutoff,
        b.series_id
    from sessions as s
    inner join bounds as b on s.cutoff > b.first_known_at

),

stream as (

    -- As-of join by carry-forward: interleave sessions and frontier events in time order. On a
    -- tie the session comes first, because known_at must be strictly before the cutoff.
    select
        calendar_code,
        series_id,
        cutoff as event_at,
        0 as row_kind,
        panel_date,
        null::date as observation_date,
        null::double precision as value,
        null::timestamptz as known_at
    from grid

    union all

    select
        c.calendar_code,
        e.series_id,
        e.known_at as event_at,
        1 as row_kind,
        null::date as panel_date,
        e.observation_date,
        e.value,
        e.known_at
    from events as e
    cross join (select distinct calendar_code from sessions) as c

),

grouped as (

    select
        *,
        count(known_at) over (
            partition by calendar_code, series_id
            order by event_at, row_kind
            rows between unbounded preceding and current row
        ) as event_group
    from stream

),

filled as (

    select
        calendar_code,
        series_id,
        panel_date,
        row_kind,
        event_group,
        first_value(observation_date) over latest_event as observation_date,
        first_value(value) over latest_event as value,
        first_value(known_at) over latest_event as known_at
    from grouped
    window latest_event as (
        partition by calendar_code, series_id, event_group
        order by event_at, row_kind
    )

),

aged as (

    select
        f.calendar_code,
        f.panel_date,
        f.series_id,
        f.observation_date,
        f.value,
        f.known_at,
        s.staleness_limit_days,
        -- Age counts from the end of the period the value covers (a month for IPCA), the same
        -- anchor as the catalog's staleness limit.
        greatest(
            f.panel_date - case s.frequency
                when 'monthly' then cast(
                    date_trunc('month', f.observation_date) + interval '1 month - 1 day' as date
                )
                when 'quarterly' then cast(
                    date_trunc('quarter', f.observation_date) + interval '3 months - 1 day' as date
                )
                when 'annual' then cast(
                    date_trunc('year', f.observation_date) + interval '1 year - 1 day' as date
                )
                else f.observation_date
            end,
            0
        ) as staleness_days
    from filled as f
    inner join series as s on s.series_id = f.series_id
    where f.row_kind = 0 and f.event_group > 0

),

final as (

    select
        calendar_code,
        panel_date,
        series_id,
        -- Forward fill stops at the staleness limit: past it the cell is empty, not old.
        case when staleness_days <= staleness_limit_days then value end as value,
        observation_date,
        staleness_days,
        staleness_limit_days,
        staleness_days > staleness_limit_days as is_stale,
        known_at,
        (select max(loaded_at) from observations) as observations_loaded_through

    from aged

)

select * from final
