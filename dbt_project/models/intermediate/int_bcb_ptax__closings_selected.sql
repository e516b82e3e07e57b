with

bcb_ptax_quotes as (

    select * from {{ ref('stg_bcb_ptax__quotes') }}

),

bcb_ptax_series as (

    -- The PTAX rate of a day is the ask of its closing bulletin.
    select
        'bcb_ptax__' || currency_code as series_id,
        quote_date as observation_date,
        ask_brl as value,
        known_at,
        loaded_at

    from bcb_ptax_quotes
    where is_closing_ptax

),

final as (

    select * from bcb_ptax_series

)

select * from final
