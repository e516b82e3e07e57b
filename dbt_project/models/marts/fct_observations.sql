{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['series_id', 'observation_date', 'known_at'],
        on_schema_change='fail',
    )
}}

with

-- One staging model per source endpoint joins this list as the sources land.
bcb_sgs_series as (

    select * from {{ ref('stg_bcb_sgs__series') }}

),

fred_observations as (

    select * from {{ ref('stg_fred__observations') }}

),

treasury_par_yields as (

    select * from {{ ref('stg_treasury__par_yields') }}

),

yahoo_daily_bars as (

    select * from {{ ref('stg_yahoo__daily_bars') }}

),

bcb_ptax_closings as (

    select * from {{ ref('int_bcb_ptax__closings_selected') }}

),

bcb_focus_series as (

    select * from {{ ref('int_bcb_focus__series_selected') }}

),

ipeadata_values as (

    select * from {{ ref('stg_ipeadata__values') }}

),

ibge_sidra_values as (

    select * from {{ ref('stg_ibge__sidra_values') }}

),

cftc_series as (

    select * from {{ ref('int_cftc__series_selected') }}

),

b3_index_closes as (

    select * from {{ ref('stg_b3_index__closes') }}

),

series as (

    select series_id from {{ ref('dim_series') }}

),

observations as (

    select
        series_id,
        observation_date,
        value,
        known_at,
        loaded_at

    from bcb_sgs_series

    union all

    select
        series_id,
        observation_date,
        value,
        known_at,
        loaded_at

    from fred_observations

    union all

    -- Tenors without a catalogued series (6 weeks, 2 and 4 months) stay in silver.
    select
        series_id,
        curve_date as observation_date,
        yield_pct as value,
        known_at,
        loaded_at

    from treasury_par_yields
    where series_id in (select series_id from series)

    union all

    select
        series_id,
        bar_date as observation_date,
        close_price as value,
        known_at,
        loaded_at

    from yahoo_daily_bars

    union all

    select series_id, observation_date, value, known_at, loaded_at
    from bcb_ptax_closings

    union all

    select series_id, observation_date, value, known_at, loaded_at
    from bcb_focus_series

    union all

    -- National series only: regional ones carry a territory code.
    select series_id, observation_date, value, known_at, loaded_at
    from ipeadata_values
    where territory_code = ''

    union all

    select series_id, observation_date, value_pct as value, known_at, loaded_at
    from ibge_sidra_values
    where series_id is not null

    union all

    select series_id, observation_date, value, known_at, loaded_at
    from cftc_series

    union all

    -- Indexes without a catalogued series (IBXX, SMLL…) stay in silver.
    select series_id, trade_date as observation_date, close_points as value, known_at, loaded_at
    from b3_index_closes
    where series_id in (select series_id from series)

),

{% if is_incremental() %}
touched as (

    -- A vintage loaded since the last build re-ranks every vintage of its observation, so the
    -- whole observation is rebuilt (delete+insert on the key replaces the old rows).
    select distinct series_id, observation_date
    from observations
    where loaded_at > (select max(loaded_at) from {{ this }})

),

scoped as (

    select o.*
    from observations as o
    inner join touched as t
        on t.series_id = o.series_id and t.observation_date = o.observation_date

),
{% else %}
scoped as (

    select * from observations

),
{% endif %}

vintaged as (

    select
        series_id,
        observation_date,
        value,
        known_at,
        loaded_at,
        row_number() over (
            partition by series_id, observation_date
            order by known_at desc
        ) = 1 as is_latest_vintage,
        cast(
            row_number() over (
                partition by series_id, observation_date
                order by known_at
            ) as integer
        ) as vintage_number

    from scoped

),

final as (

    select * from vintaged

)

select * from final
