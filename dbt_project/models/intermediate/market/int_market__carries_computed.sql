with

panel as (

    select calendar_code, panel_date, series_id, value, observation_date, known_at
    from {{ ref('fct_business_day_panel') }}

),

di1_tenors as (

    select trade_date, tenor_bd, rate_pct, known_at
    from {{ ref('fct_di1_curve_tenors') }}

),

inputs as (

    -- Carry is a BRL trade: it lives on B3 sessions, with US rates as São Paulo knew them.
    select
        panel_date,
        max(value) filter (where series_id = 'bcb_sgs__12') as cdi_daily_pct,
        max(observation_date) filter (where series_id = 'bcb_sgs__12') as cdi_observation_date,
        max(known_at) filter (where series_id = 'bcb_sgs__12') as cdi_known_at,
        max(value) filter (where series_id = 'bcb_sgs__432') as selic_target_pct,
        max(observation_date) filter (where series_id = 'bcb_sgs__432') as selic_observation_date,
        max(known_at) filter (where series_id = 'bcb_sgs__432') as selic_known_at,
        max(value) filter (where series_id = 'fred__DFF') as fed_funds_pct,
        max(observation_date) filter (where series_id = 'fred__DFF') as fed_funds_observation_date,
        max(known_at) filter (where series_id = 'fred__DFF') as fed_funds_known_at,
        max(value) filter (where series_id = 'treasury__1Y') as treasury_1y_pct,
        max(observation_date) filter (
            where series_id = 'treasury__1Y'
        ) as treasury_1y_observation_date,
        max(known_at) filter (where series_id = 'treasury__1Y') as treasury_1y_known_at,
        max(value) filter (where series_id = 'fred__DGS1') as dgs1_pct,
        max(observation_date) filter (where series_id = 'fred__DGS1') as dgs1_observation_date,
        max(known_at) filter (where series_id = 'fred__DGS1') as dgs1_known_at
    from panel
    where
        calendar_code = 'B3'
        and value is not null
        and series_id in ('bcb_sgs__12', 'bcb_sgs__432', 'fred__DFF', 'treasury__1Y', 'fred__DGS1')
    group by panel_date

),

di1_1y as (

    -- Only a settlement known by São Paulo's midnight was on that session's curve.
    select trade_date, rate_pct, known_at
    from di1_tenors
    where
        tenor_bd = 252
        and known_at < timezone('America/Sao_Paulo', cast(trade_date + 1 as timestamp))

),

ust_1y as (

    -- Treasury's 1-year par yield, else FRED's DGS1 (the same series, a day later). Both are
    -- bond-equivalent (semi-annual) yields: (1 + y/200)^2 - 1 makes them annual-effective,
    -- the DI1 convention.
    select
        panel_date,
        (power(1 + coalesce(treasury_1y_pct, dgs1_pct) / 200.0, 2) - 1) * 100 as effective_pct,
        case
            when treasury_1y_pct is not null then treasury_1y_observation_date
            else dgs1_observation_date
        end as observation_date,
        case
            when treasury_1y_pct is not null then treasury_1y_known_at
            else dgs1_known_at
        end as known_at
    from inputs
    where coalesce(treasury_1y_pct, dgs1_pct) is not null

),

cdi_vs_fed_funds as (

    select
        'B3' as calendar_code,
        panel_date as level_date,
        'carry_cdi_vs_fed_funds' as subject_id,
        (power(1 + cdi_daily_pct / 100.0, 252) - 1) * 100 - fed_funds_pct as value,
        '% p.a.' as unit,
        least(cdi_observation_date, fed_funds_observation_date) as first_observation_date,
        greatest(cdi_observation_date, fed_funds_observation_date) as last_observation_date,
        greatest(cdi_known_at, fed_funds_known_at) as known_at
    from inputs
    where cdi_daily_pct is not null and fed_funds_pct is not null

),

selic_vs_fed_funds as (

    select
        'B3' as calendar_code,
        panel_date as level_date,
        'carry_selic_vs_fed_funds' as subject_id,
        selic_target_pct - fed_funds_pct as value,
        '% p.a.' as unit,
        least(selic_observation_date, fed_funds_observation_date) as first_observation_date,
        greatest(selic_observation_date, fed_funds_observation_date) as last_observation_date,
        greatest(selic_known_at, fed_funds_known_at) as known_at
    from inputs
    where selic_target_pct is not null and fed_funds_pct is not null

),

usdbrl_forward as (

    -- Covered interest parity over one year: F/S = (1 + r_BRL) / (1 + r_USD). The annualised
    -- forward premium is what a long-BRL forward earns if spot does not move.
    select
        'B3' as calendar_code,
        d.trade_date as level_date,
        'carry_usdbrl_fwd_1y' as subject_id,
        ((1 + d.rate_pct / 100.0) / (1 + u.effective_pct / 100.0) - 1) * 100 as value,
        '% p.a.' as unit,
        least(d.trade_date, u.observation_date) as first_observation_date,
        greatest(d.trade_date, u.observation_date) as last_observation_date,
        greatest(d.known_at, u.known_at) as known_at
    from di1_1y as d
    inner join ust_1y as u on u.panel_date = d.trade_date

),

final as (

    select * from cdi_vs_fed_funds
    union all
    select * from selic_vs_fed_funds
    union all
    select * from usdbrl_forward

)

select * from final
