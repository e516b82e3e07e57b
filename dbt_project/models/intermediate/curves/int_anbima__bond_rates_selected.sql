with

indicative_rates as (

    select * from {{ ref('stg_anbima__tpf_indicative_rates') }}

),

flagged as (

    select
        *,
        -- ANBIMA publishes in the evening: what São Paulo knew by midnight is the day's rate.
        known_at < cast(reference_date + 1 as timestamp) at time zone 'America/Sao_Paulo'
            as is_known_by_close

    from indicative_rates

),

selected as (

    -- The latest vintage known by the end of the reference date; when every vintage came
    -- later (a backfill), the earliest one, whose known_at keeps PIT readers away from it.
    select distinct on (reference_date, bond_type, maturity_date)
        reference_date,
        bond_type,
        maturity_date,
        rate_kind,
        business_days_to_maturity,
        indicative_rate_decimal,
        is_known_by_close,
        known_at

    from flagged
    order by
        reference_date,
        bond_type,
        maturity_date,
        is_known_by_close desc,
        case when is_known_by_close then known_at end desc nulls last,
        known_at

),

final as (

    select * from selected

)

select * from final
