with

monthly_windows as (

    select * from {{ ref('int_macro__monthly_windows_aggregated') }}

),

seasonal_factors as (

    select * from {{ ref('int_macro__seasonal_factors_estimated') }}

),

price_changes_adjusted as (

    select * from {{ ref('int_macro__price_changes_adjusted') }}

),

inflation_targets_compared as (

    select * from {{ ref('int_macro__inflation_targets_compared') }}

),

focus_revisions as (

    select * from {{ ref('int_macro__focus_revisions_computed') }}

),

real_rates as (

    select * from {{ ref('int_macro__real_rates_computed') }}

),

features as (

    -- Monthly changes and seasonal deviations are inputs of the adjustment, not features.
    select feature_id, observation_date, value, unit, known_at
    from monthly_windows
    where is_feature

    union all

    select
        stem || '_seasonal_factor' as feature_id,
        observation_date,
        seasonal_factor_pp as value,
        'pp m/m' as unit,
        known_at
    from seasonal_factors

    union all

    select
        stem || '_' || measure as feature_id,
        observation_date,
        value,
        unit,
        known_at
    from price_changes_adjusted

    union all

    select feature_id, observation_date, value, unit, known_at
    from inflation_targets_compared

    union all

    select feature_id, observation_date, value, unit, known_at
    from focus_revisions

    union all

    select feature_id, observation_date, value, unit, known_at
    from real_rates

),

vintaged as (

    select
        feature_id,
        observation_date,
        value,
        unit,
        known_at,
        row_number() over (
            partition by feature_id, observation_date
            order by known_at desc
        ) = 1 as is_latest_vintage,
        cast(
            row_number() over (
                partition by feature_id, observation_date
                order by known_at
            ) as integer
        ) as vintage_number
    from features

),

final as (

    select * from vintaged

)

select * from final
