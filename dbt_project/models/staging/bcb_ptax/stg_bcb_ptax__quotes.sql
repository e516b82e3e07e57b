with

source as (

    select * from {{ source('bcb_ptax', 'quotes') }}

),

renamed as (

    select
        currency as currency_code,
        quote_date,
        bulletin_type,
        bulletin_seq,
        bulletin_type = 'Fechamento PTAX' as is_closing_ptax,
        quoted_at,
        cast(bid as double precision) as bid_brl,
        cast(ask as double precision) as ask_brl,
        cast(parity_bid as double precision) as parity_bid,
        cast(parity_ask as double precision) as parity_ask,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
