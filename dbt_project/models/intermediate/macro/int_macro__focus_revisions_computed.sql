with

-- Not materialized: the lateral look-ups below must reach the table's
-- (series_id, observation_date, known_at) index.
observations as not materialized (

    select * from {{ ref('fct_observations') }}

),

dim_series as (

    select * from {{ ref('dim_series') }}

),

focus_series as (

    select
        series_id,
        code,
        staleness_limit_days
    from dim_series
    where source = 'bcb_focus' and code like '%median'

),

first_releases as (

    select
        o.series_id,
        o.observation_date,
        min(o.known_at) as first_known_at
    from observations as o
    inner join focus_series as s
        on o.series_id = s.series_id
    group by o.series_id, o.observation_date

),

first_references as (

    -- The survey four weeks back, as known when the survey date D was first published.
    select
        f.series_id,
        f.observation_date,
        f.first_known_at,
        r.observation_date as reference_date
    from first_releases as f
    cross join lateral (
        select o.observation_date
        from observations as o
        where
            o.series_id = f.series_id
            and o.observation_date <= f.observation_date - 28
            and o.known_at <= f.first_known_at
        order by o.observation_date desc
        limit 1
    ) as r

),

vintage_times as (

    -- A new vintage of D, or a later release of a survey that becomes the reference.
    select
        o.series_id,
        o.observation_date,
        o.known_at
    from observations as o
    inner join first_releases as f
        on o.series_id = f.series_id
        and o.observation_date = f.observation_date

    union

    select
        f.series_id,
        f.observation_date,
        later.known_at
    from first_references as f
    cross join lateral (
        select o.known_at
        from observations as o
        where
            o.series_id = f.series_id
            and o.observation_date between f.reference_date and f.observation_date - 28
            and o.known_at > f.first_known_at
    ) as later

),

revisions as (

    select
        t.series_id,
        t.observation_date,
        cast(round(cast(cur.value - ref.value as numeric), 10) as double precision) as revision_pp,
        ref.observation_date as reference_date,
        greatest(cur.known_at, ref.known_at) as known_at
    from vintage_times as t
    cross join lateral (
        select o.value, o.known_at
        from observations as o
        where
            o.series_id = t.series_id
            and o.observation_date = t.observation_date
            and o.known_at <= t.known_at
        order by o.known_at desc
        limit 1
    ) as cur
    cross join lateral (
        select o.observation_date, o.value, o.known_at
        from observations as o
        where
            o.series_id = t.series_id
            and o.observation_date <= t.observation_date - 28
            and o.known_at <= t.known_at
        order by o.observation_date desc, o.known_at desc
        limit 1
    ) as ref

),

final as (

    select distinct
        'focus_' || s.code || '_rev_4w' as feature_id,
        r.observation_date,
        r.revision_pp as value,
        'pp' as unit,
        r.known_at
    from revisions as r
    inner join focus_series as s
        on r.series_id = s.series_id
    where
        -- A reference older than the series' staleness limit is a gap, not four weeks.
        r.reference_date >= r.observation_date - 28 - s.staleness_limit_days
        -- Calendar-year expectations change their reference year in January.
        and (
            s.code not like '%annual%'
            or extract(year from r.reference_date) = extract(year from r.observation_date)
        )

)

select * from final
