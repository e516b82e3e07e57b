with

-- One staging model per source endpoint joins this list as the sources land.
bcb_sgs_series as (

    select * from {{ ref('stg_bcb_sgs__series') }}

),

fred_observations as (

    select * from {{ ref('stg_fred__observations') }}

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

),

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

    from observations

),

final as (

    select * from vintaged

)

select * from final
