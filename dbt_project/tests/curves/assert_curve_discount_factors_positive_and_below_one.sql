-- Every curve's discount factors are positive, and above 1 only where the rate is negative
-- (real rates can be: NTN-B yields went below zero in 2020-21). Fails on every offending point.

with

di1_contracts as (

    select
        'fct_di1_curve_contracts' as model_name,
        trade_date as curve_date,
        ticker as point_code,
        discount_factor,
        rate_pct

    from {{ ref('fct_di1_curve_contracts') }}

),

di1_tenors as (

    select
        'fct_di1_curve_tenors' as model_name,
        trade_date as curve_date,
        cast(tenor_bd as text) as point_code,
        discount_factor,
        rate_pct

    from {{ ref('fct_di1_curve_tenors') }}

),

government_nominal as (

    select
        'fct_br_government_curves.nominal' as model_name,
        curve_date,
        cast(tenor_bd as text) as point_code,
        nominal_discount_factor as discount_factor,
        nominal_rate_pct as rate_pct

    from {{ ref('fct_br_government_curves') }}
    where nominal_discount_factor is not null

),

government_real as (

    select
        'fct_br_government_curves.real' as model_name,
        curve_date,
        cast(tenor_bd as text) as point_code,
        real_discount_factor as discount_factor,
        real_rate_pct as rate_pct

    from {{ ref('fct_br_government_curves') }}
    where real_discount_factor is not null

),

ust_tenors as (

    select
        'fct_ust_curve_tenors' as model_name,
        curve_date,
        tenor_code as point_code,
        discount_factor,
        zero_rate_pct as rate_pct

    from {{ ref('fct_ust_curve_tenors') }}
    where discount_factor is not null

),

points as (

    select * from di1_contracts
    union all
    select * from di1_tenors
    union all
    select * from government_nominal
    union all
    select * from government_real
    union all
    select * from ust_tenors

),

final as (

    select *
    from points
    where
        discount_factor <= 0
        or (discount_factor > 1 and rate_pct >= 0)
        or (discount_factor < 1 and rate_pct < 0)

)

select * from final
