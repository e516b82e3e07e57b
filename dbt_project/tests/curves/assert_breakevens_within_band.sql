-- Brazil's implied breakeven inflation stays within -3 % and 20 % a year (IPCA has run from
-- about 2 % to 11 % since 2007; short tenors move more). Fails on every row outside the band.

with

curves as (

    select * from {{ ref('fct_br_government_curves') }}

),

final as (

    select
        curve_date,
        tenor_bd,
        nominal_rate_pct,
        real_rate_pct,
        breakeven_pct

    from curves
    where breakeven_pct < -3 or breakeven_pct > 20

)

select * from final
