with

monthly_windows as (

    select * from {{ ref('int_macro__monthly_windows_aggregated') }}

),

inflation_targets as (

    select * from {{ ref('inflation_targets') }}

),

ipca_12m_vintages as (

    select
        observation_date,
        value,
        known_at,
        lead(known_at) over (
            partition by observation_date
            order by known_at
        ) as superseded_at
    from monthly_windows
    where feature_id = 'ipca_12m'

),

target_vintages as (

    -- Known from the end of the CMN decision day in Brasília (São Paulo time).
    select
        year,
        target_pct,
        target_pct - tolerance_pp as lower_pct,
        target_pct + tolerance_pp as upper_pct,
        cast(decided_on + 1 as timestamp) at time zone 'America/Sao_Paulo' as known_at,
        lead(cast(decided_on + 1 as timestamp) at time zone 'America/Sao_Paulo') over (
            partition by year
            order by decided_on
        ) as superseded_at
    from inflation_targets

),

monthly_targets as (

    -- The band of the observation's own calendar year.
    select
        m.observation_date,
        t.target_pct,
        t.lower_pct,
        t.upper_pct,
        t.known_at,
        t.superseded_at
    from (select distinct observation_date from ipca_12m_vintages) as m
    inner join target_vintages as t
        on extract(year from m.observation_date) = t.year

),

vintage_times as (

    select observation_date, known_at from ipca_12m_vintages
    union
    select observation_date, known_at from monthly_targets

),

compared as (

    -- Both inputs as known at each vintage time; times before either is known drop out.
    select
        v.observation_date,
        cast(round(cast(i.value - t.target_pct as numeric), 10) as double precision) as gap_pp,
        case when i.value > t.upper_pct then 1.0 else 0.0 end as is_above_band,
        case when i.value < t.lower_pct then 1.0 else 0.0 end as is_below_band,
        greatest(i.known_at, t.known_at) as known_at
    from vintage_times as v
    inner join ipca_12m_vintages as i
        on v.observation_date = i.observation_date
        and i.known_at <= v.known_at
        and (i.superseded_at is null or i.superseded_at > v.known_at)
    inner join monthly_targets as t
        on v.observation_date = t.observation_date
        and t.known_at <= v.known_at
        and (t.superseded_at is null or t.superseded_at > v.known_at)

),

final as (

    select
        'inflation_target' as feature_id,
        make_date(year, 1, 1) as observation_date,
        target_pct as value,
        '% in year' as unit,
        known_at
    from target_vintages

    union all

    select 'inflation_target_lower', make_date(year, 1, 1), lower_pct, '% in year', known_at
    from target_vintages

    union all

    select 'inflation_target_upper', make_date(year, 1, 1), upper_pct, '% in year', known_at
    from target_vintages

    union all

    select 'ipca_12m_vs_target', observation_date, gap_pp, 'pp', known_at
    from compared

    union all

    select 'ipca_12m_above_target_band', observation_date, is_above_band, 'flag (1/0)', known_at
    from compared

    union all

    select 'ipca_12m_below_target_band', observation_date, is_below_band, 'flag (1/0)', known_at
    from compared

)

select * from final
