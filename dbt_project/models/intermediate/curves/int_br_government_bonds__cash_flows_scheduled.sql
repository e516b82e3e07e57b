{{ config(
    materialized='table',
    indexes=[{'columns': ['curve_date', 'curve_code', 'bond_rank'], 'unique': true}],
) }}

with

bond_rates as (

    select * from {{ ref('int_anbima__bond_rates_selected') }}

),

national_days as not materialized (

    select * from {{ ref('dim_calendar_days') }}
    where calendar_code = 'BR_NATIONAL'

),

curve_bonds as (

    select
        bond_rates.reference_date as curve_date,
        case when bond_rates.bond_type = 'NTN-B' then 'real' else 'nominal' end as curve_code,
        bond_rates.bond_type,
        bond_rates.maturity_date,
        bond_rates.business_days_to_maturity as bond_du,
        bond_rates.indicative_rate_decimal as yield_decimal,
        -- du from the curve date to a payment p is number(p - 1) - number(curve_date) + 1 on a
        -- business day: the curve date's part of that difference.
        curve_day.business_day_number
        - case when curve_day.is_business_day then 1 else 0 end as curve_day_number,
        bond_rates.known_at

    from bond_rates
    inner join national_days as curve_day
        on bond_rates.reference_date = curve_day.calendar_date
    where
        bond_rates.bond_type in ('LTN', 'NTN-F', 'NTN-B')
        -- In their last month bond yields mostly carry the index projection (NTN-B) or noise.
        and bond_rates.business_days_to_maturity >= 21

),

last_ltn as (

    select
        curve_date,
        max(bond_du) as last_ltn_du

    from curve_bonds
    where bond_type = 'LTN'
    group by curve_date

),

kept_bonds as (

    -- The nominal curve is the LTNs' (zero coupon); NTN-Fs only extend it past the last LTN.
    select curve_bonds.*
    from curve_bonds
    left join last_ltn on curve_bonds.curve_date = last_ltn.curve_date
    where
        curve_bonds.bond_type <> 'NTN-F'
        or curve_bonds.bond_du > coalesce(last_ltn.last_ltn_du, 0)

),

issues as (

    -- Each bond issue once, with the first curve date it is needed for.
    select
        bond_type,
        maturity_date,
        min(curve_date) as first_curve_date,
        -- Coupon per half year on a face of 1: 10 % p.a. for NTN-F, 6 % p.a. for NTN-B.
        case
            when bond_type = 'NTN-F' then sqrt(cast(1.10 as double precision)) - 1
            when bond_type = 'NTN-B' then sqrt(cast(1.06 as double precision)) - 1
            else cast(0 as double precision)
        end as semiannual_coupon

    from kept_bonds
    group by bond_type, maturity_date

),

issue_payments as (

    -- Coupons fall every six months back from maturity (LTN: the maturity alone).
    select
        issues.bond_type,
        issues.maturity_date,
        cast(issues.maturity_date - make_interval(months => 6 * coupons.coupon_number) as date)
            as payment_date,
        issues.semiannual_coupon
        + case when coupons.coupon_number = 0 then 1 else 0 end as payment_amount

    from issues
    cross join lateral generate_series(
        0,
        case
            when issues.semiannual_coupon > 0
                then (
                    extract(year from age(issues.maturity_date, issues.first_curve_date)) * 12
                    + extract(month from age(issues.maturity_date, issues.first_curve_date))
                )::integer / 6
            else 0
        end
    ) as coupons (coupon_number)

),

schedules as (

    -- A payment on a holiday or weekend is made on the next business day, which counts the
    -- same du: business days in [curve_date, payment_date).
    select
        issue_payments.bond_type,
        issue_payments.maturity_date,
        array_agg(issue_payments.payment_date order by issue_payments.payment_date)
            as payment_dates,
        array_agg(payment_eve.business_day_number order by issue_payments.payment_date)
            as payment_day_numbers,
        array_agg(issue_payments.payment_amount order by issue_payments.payment_date)
            as payment_amounts

    from issue_payments
    inner join national_days as payment_eve
        on issue_payments.payment_date - 1 = payment_eve.calendar_date
    group by issue_payments.bond_type, issue_payments.maturity_date

),

scheduled as (

    select
        kept_bonds.curve_date,
        kept_bonds.curve_code,
        kept_bonds.bond_type,
        kept_bonds.maturity_date,
        kept_bonds.bond_du,
        kept_bonds.yield_decimal,
        kept_bonds.curve_day_number,
        -- The payments after the curve date: a slice of the issue's schedule, found by binary
        -- search (width_bucket counts the payment dates on or before the curve date).
        schedules.payment_day_numbers[
            width_bucket(kept_bonds.curve_date, schedules.payment_dates) + 1:
        ] as payment_day_numbers,
        schedules.payment_amounts[
            width_bucket(kept_bonds.curve_date, schedules.payment_dates) + 1:
        ] as payment_amounts,
        kept_bonds.known_at

    from kept_bonds
    inner join schedules
        on kept_bonds.bond_type = schedules.bond_type
        and kept_bonds.maturity_date = schedules.maturity_date

),

final as (

    select
        curve_date,
        curve_code,
        cast(row_number() over (
            partition by curve_date, curve_code
            order by bond_du
        ) as integer) as bond_rank,
        bond_type,
        maturity_date,
        bond_du,
        yield_decimal,
        curve_day_number,
        payment_day_numbers,
        payment_amounts,
        known_at

    from scheduled

)

select * from final
