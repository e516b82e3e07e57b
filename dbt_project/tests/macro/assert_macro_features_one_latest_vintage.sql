-- Every (feature_id, observation_date) in fct_macro_features has exactly one latest vintage, the
-- one with the highest vintage_number; vintage numbers run 1..n without gaps.

with

macro_features as (

    select * from {{ ref('fct_macro_features') }}

),

per_observation as (

    select
        feature_id,
        observation_date,
        count(*) as n_vintages,
        count(*) filter (where is_latest_vintage) as n_latest,
        min(vintage_number) as first_vintage_number,
        max(vintage_number) as last_vintage_number,
        count(distinct vintage_number) as n_vintage_numbers,
        max(vintage_number) filter (where is_latest_vintage) as latest_vintage_number
    from macro_features
    group by feature_id, observation_date

),

final as (

    select * from per_observation
    where
        n_latest <> 1
        or first_vintage_number <> 1
        or last_vintage_number <> n_vintages
        or n_vintage_numbers <> n_vintages
        or latest_vintage_number is distinct from n_vintages

)

select * from final
