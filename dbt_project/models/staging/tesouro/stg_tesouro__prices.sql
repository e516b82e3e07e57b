with

source as (

    select * from {{ source('tesouro', 'prices') }}

),

renamed as (

    select
        bond_name,
        maturity_date,
        base_date,
        case
            when bond_name like 'Tesouro Prefixado%' then 'nominal'
            when bond_name like 'Tesouro Selic%' then 'selic_floater'
            else 'real'
        end as rate_kind,
        buy_pu > 0 as is_offered_for_purchase,
        -- 0,00 in the buy columns means "not offered that day": no price, not a zero price.
        cast(case when buy_pu > 0 then buy_rate end as double precision) as buy_rate_pct,
        cast(sell_rate as double precision) as sell_rate_pct,
        cast(case when buy_pu > 0 then buy_rate end as double precision) / 100 as buy_rate_decimal,
        cast(sell_rate as double precision) / 100 as sell_rate_decimal,
        cast(nullif(buy_pu, 0) as double precision) as buy_pu_brl,
        cast(sell_pu as double precision) as sell_pu_brl,
        cast(base_pu as double precision) as base_pu_brl,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
