-- The bootstrapped curve prices every bond it was built from at the price its indicative
-- yield implies (per unit of face). Fails on every bond that Newton left more than 1e-9 off.

with

vertices as (

    select * from {{ ref('int_br_government_curves__vertices_bootstrapped') }}

),

final as (

    select
        curve_date,
        curve_code,
        bond_type,
        maturity_date,
        price_residual

    from vertices
    where abs(price_residual) > 1e-9 or price_residual is null

)

select * from final
