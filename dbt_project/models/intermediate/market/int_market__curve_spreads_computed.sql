with

di1_tenors as (

    select trade_date, tenor_bd, rate_pct, known_at
    from {{ ref('fct_di1_curve_tenors') }}

),

panel as (

    select calendar_code, panel_date, series_id, value, observation_date, known_at
    from {{ ref('fct_business_day_panel') }}

),

ust_tenors as (

    -- Treasury's par yield curve first; FRED's constant-maturity series (the same numbers,
    -- published a day later) where the Treasury feed is missing.
    select *
    from (
        values
        ('3m', 'treasury__3M', 'fred__DGS3MO'),
        ('2y', 'treasury__2Y', 'fred__DGS2'),
        ('5y', 'treasury__5Y', 'fred__DGS5'),
        ('10y', 'treasury__10Y', 'fred__DGS10'),
        ('30y', 'treasury__30Y', 'fred__DGS30')
    ) as t (tenor, treasury_series_id, fred_series_id)

),

legs as (

    -- Each feature is scale * sum(weight * rate) over its legs, all legs from one source.
    select *
    from (
        values
        ('di1_rate_1y', 'di1', '252', 1.0, 1.0, '% p.a. (252 business days)'),
        ('di1_slope_6m_2y', 'di1', '126', -1.0, 100.0, 'bp'),
        ('di1_slope_6m_2y', 'di1', '504', 1.0, 100.0, 'bp'),
        ('di1_slope_1y_5y', 'di1', '252', -1.0, 100.0, 'bp'),
        ('di1_slope_1y_5y', 'di1', '1260', 1.0, 100.0, 'bp'),
        ('di1_fly_1y_2y_5y', 'di1', '252', -1.0, 100.0, 'bp'),
        ('di1_fly_1y_2y_5y', 'di1', '504', 2.0, 100.0, 'bp'),
        ('di1_fly_1y_2y_5y', 'di1', '1260', -1.0, 100.0, 'bp'),
        ('ust_slope_2s10s', 'ust', '2y', -1.0, 100.0, 'bp'),
        ('ust_slope_2s10s', 'ust', '10y', 1.0, 100.0, 'bp'),
        ('ust_slope_3m10y', 'ust', '3m', -1.0, 100.0, 'bp'),
        ('ust_slope_3m10y', 'ust', '10y', 1.0, 100.0, 'bp'),
        ('ust_slope_5s30s', 'ust', '5y', -1.0, 100.0, 'bp'),
        ('ust_slope_5s30s', 'ust', '30y', 1.0, 100.0, 'bp'),
        ('ust_fly_2s5s10s', 'ust', '2y', -1.0, 100.0, 'bp'),
        ('ust_fly_2s5s10s', 'ust', '5y', 2.0, 100.0, 'bp'),
        ('ust_fly_2s5s10s', 'ust', '10y', -1.0, 100.0, 'bp')
    ) as l (subject_id, curve, tenor, weight, scale, unit)

),

leg_counts as (

    select subject_id, count(*) as n_legs
    from legs
    group by subject_id

),

di1_quotes as (

    -- A settlement first known after São Paulo's midnight was not on that session's curve
    -- (a late backfill): leave it out rather than date it back.
    select
        'B3' as calendar_code,
        trade_date as quote_date,
        'di1' as curve,
        cast(tenor_bd as text) as tenor,
        1 as source_rank,
        rate_pct,
        trade_date as observation_date,
        known_at
    from di1_tenors
    where known_at < timezone('America/Sao_Paulo', cast(trade_date + 1 as timestamp))

),

ust_quotes as (

    select
        p.calendar_code,
        p.panel_date as quote_date,
        'ust' as curve,
        t.tenor,
        case p.series_id when t.treasury_series_id then 1 else 2 end as source_rank,
        p.value as rate_pct,
        p.observation_date,
        p.known_at
    from panel as p
    inner join ust_tenors as t
        on p.series_id in (t.treasury_series_id, t.fred_series_id)
    where p.calendar_code = 'NYSE' and p.value is not null

),

quotes as (

    select * from di1_quotes
    union all
    select * from ust_quotes

),

combined as (

    select
        q.calendar_code,
        q.quote_date,
        l.subject_id,
        q.source_rank,
        -- Summed in a fixed order: a float sum in hash order can differ in the last bit from
        -- one build to the next, and the mart would take an unchanged level for a revision.
        max(l.scale) * sum(l.weight * q.rate_pct order by q.tenor) as value,
        max(l.unit) as unit,
        min(q.observation_date) as first_observation_date,
        max(q.observation_date) as last_observation_date,
        max(q.known_at) as known_at,
        count(*) as n_legs
    from quotes as q
    inner join legs as l on l.curve = q.curve and l.tenor = q.tenor
    group by q.calendar_code, q.quote_date, l.subject_id, q.source_rank

),

complete as (

    select distinct on (c.calendar_code, c.quote_date, c.subject_id)
        c.*
    from combined as c
    inner join leg_counts as n
        on n.subject_id = c.subject_id and n.n_legs = c.n_legs
    order by c.calendar_code, c.quote_date, c.subject_id, c.source_rank

),

final as (

    select
        calendar_code,
        quote_date as level_date,
        subject_id,
        value,
        unit,
        first_observation_date,
        last_observation_date,
        known_at

    from complete

)

select * from final
