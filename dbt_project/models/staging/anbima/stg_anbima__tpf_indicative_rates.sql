with

source as (

    select * from {{ source('anbima', 'tpf_indicative_rates') }}

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
        cast(pu as double precision) as pu_brl,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
