with

source as (

    select * from {{ source('anbima', 'tpf_indicative_rates') }}

),

national_days as not materialized (

    select * from {{ ref('dim_calendar_days') }}
    where calendar_code = 'BR_NATIONAL'

),

renamed as (

    select
        bond_type,
        maturity_date,
        reference_date,
        selic_code,
        issue_date,
        case
            when bond_type in ('LTN', 'NTN-F') then 'nominal'
            when bond_type in ('NTN-B', 'NTN-C', 'S/CUPOM') then 'real'
            when bond_type = 'LFT' then 'selic_floater'
            else 'other'
        end as rate_kind,
        maturity_date - reference_date as calendar_days_to_maturity,
        -- % p.a. as published (LFT: spread over Selic).
        cast(indicative_rate as double precision) as indicative_rate_pct,
        cast(bid_rate as double precision) as bid_rate_pct,
        cast(ask_rate as double precision) as ask_rate_pct,
        cast(indicative_rate as double precision) / 100 as indicative_rate_decimal,
        cast(bid_rate as double precision) / 100 as bid_rate_decimal,
        cast(ask_rate as double precision) / 100 as ask_rate_decimal,
        cast(pu as double precision) as pu_brl,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

counted as (

    -- du as ANBIMA prices with it: national business days in [reference_date, maturity_date).
    -- A maturity on a holiday or weekend pays on the next business day, which counts the same.
    select
        renamed.*,
        maturity_eve.business_day_number - reference_day.business_day_number
        + case when reference_day.is_business_day then 1 else 0 end as business_days_to_maturity

    from renamed
    left join national_days as reference_day
        on renamed.reference_date = reference_day.calendar_date
    left join national_days as maturity_eve
        on renamed.maturity_date - 1 = maturity_eve.calendar_date

),

final as (

    select
        bond_type,
        maturity_date,
        reference_date,
        selic_code,
        issue_date,
        rate_kind,
        calendar_days_to_maturity,
        business_days_to_maturity,
        indicative_rate_pct,
        bid_rate_pct,
        ask_rate_pct,
        indicative_rate_decimal,
        bid_rate_decimal,
        ask_rate_decimal,
        pu_brl,
        known_at,
        loaded_at,
        payload_sha256

    from counted

)

select * from final
