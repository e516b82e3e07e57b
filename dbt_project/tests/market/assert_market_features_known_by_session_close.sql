-- Point in time: a feature for date D only uses what was known before the midnight that ends D
-- in its market's time zone. Fails on every row known later.
with

features as (

    select calendar_code, feature_date, feature_id, known_at
    from {{ ref('fct_market_features') }}

),

final as (

    select *
    from features
    where known_at >= timezone(
        case calendar_code when 'B3' then 'America/Sao_Paulo' else 'America/New_York' end,
        cast(feature_date + 1 as timestamp)
    )

)

select * from final
