-- Along each curve and date, maturities and tenors strictly increase together and, where both
-- rates are positive, discount factors do not rise: a rise is a negative forward rate. The
-- nominal BRL curves get no tolerance. The UST and real curves may dip to -1 % a year (forward
-- between neighbouring points, continuous): the market did, in the October 2013 debt-ceiling
-- bills (1M above 3M) and in the 2020 NTN-Bs around the IPCA deflation of April-May. Fails on
-- every point that breaks the order of the point before it.

with

di1_contracts as (

    select
        'fct_di1_curve_contracts' as model_name,
        trade_date as curve_date,
        maturity_date as sort_date,
        business_days_to_maturity as point_bd,
        business_days_to_maturity / 252.0 as point_years,
        0.0 as forward_floor_pct,
        discount_factor,
        rate_pct

    from {{ ref('fct_di1_curve_contracts') }}

),

di1_tenors as (

    select
        'fct_di1_curve_tenors' as model_name,
        trade_date as curve_date,
        cast(null as date) as sort_date,
        tenor_bd as point_bd,
        tenor_bd / 252.0 as point_years,
        0.0 as forward_floor_pct,
        discount_factor,
        rate_pct

    from {{ ref('fct_di1_curve_tenors') }}

),

government_vertices as (

    select
        'int_br_government_curves__vertices_bootstrapped.' || curve_code as model_name,
        curve_date,
        maturity_date as sort_date,
        business_days_to_maturity as point_bd,
        business_days_to_maturity / 252.0 as point_years,
        case when curve_code = 'real' then -1.0 else 0.0 end as forward_floor_pct,
        discount_factor,
        zero_rate_decimal * 100 as rate_pct

    from {{ ref('int_br_government_curves__vertices_bootstrapped') }}

),

government_nominal as (

    select
        'fct_br_government_curves.nominal' as model_name,
        curve_date,
        cast(null as date) as sort_date,
        tenor_bd as point_bd,
        tenor_bd / 252.0 as point_years,
        0.0 as forward_floor_pct,
        nominal_discount_factor as discount_factor,
        nominal_rate_pct as rate_pct

    from {{ ref('fct_br_government_curves') }}
    where nominal_discount_factor is not null

),

government_real as (

    select
        'fct_br_government_curves.real' as model_name,
        curve_date,
        cast(null as date) as sort_date,
        tenor_bd as point_bd,
        tenor_bd / 252.0 as point_years,
        -1.0 as forward_floor_pct,
        real_discount_factor as discount_factor,
        real_rate_pct as rate_pct

    from {{ ref('fct_br_government_curves') }}
    where real_discount_factor is not null

),

ust_tenors as (

    select
        'fct_ust_curve_tenors' as model_name,
        curve_date,
        cast(null as date) as sort_date,
        -- Half months: the six-week bill is 3.
        cast(tenor_months * 2 as integer) as point_bd,
        tenor_months / 12.0 as point_years,
        -1.0 as forward_floor_pct,
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
    select * from government_vertices
    union all
    select * from government_nominal
    union all
    select * from government_real
    union all
    select * from ust_tenors

),

ordered as (

    select
        *,
        lag(point_bd) over by_point as previous_point_bd,
        lag(point_years) over by_point as previous_point_years,
        lag(discount_factor) over by_point as previous_discount_factor,
        lag(rate_pct) over by_point as previous_rate_pct

    from points
    window by_point as (
        partition by model_name, curve_date
        order by coalesce(sort_date, curve_date), point_bd
    )

),

final as (

    select *
    from ordered
    where
        point_bd <= previous_point_bd
        or (
            rate_pct > 0
            and previous_rate_pct > 0
            and -ln(discount_factor / previous_discount_factor) / (point_years - previous_point_years)
            < forward_floor_pct / 100
        )

)

select * from final
