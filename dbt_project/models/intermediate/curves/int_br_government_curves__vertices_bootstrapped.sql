{{ config(materialized='table') }}

{#- Newton steps per bond. The start (the bond's own yield) is close, and the price is convex
    and increasing in the new vertex's ln DF, so the iteration converges monotonically: four
    steps leave price residuals below 1e-15 on the sample and on 2007-2023. -#}
{%- set newton_steps = 4 -%}

with recursive

-- Not materialized: each recursive step finds its bond through the table's index.
bonds as not materialized (

    select * from {{ ref('int_br_government_bonds__cash_flows_scheduled') }}

),

bootstrapped as (

    -- Today is the first vertex: du 0, DF 1.
    select
        curve_date,
        curve_code,
        0 as bond_rank,
        cast(null as text) as bond_type,
        cast(null as date) as maturity_date,
        0 as vertex_du,
        cast(null as double precision) as yield_decimal,
        cast(0 as double precision) as log_discount_factor,
        cast(null as double precision) as price_residual,
        array[0] as vertex_dus,
        array[cast(0 as double precision)] as vertex_log_discount_factors,
        cast(null as timestamptz) as known_at

    from bonds
    where bond_rank = 1

    union all

    -- The next bond by du. Its payments up to the last vertex are discounted on the curve so
    -- far (flat forward: ln DF linear in du between vertices); the later ones lie on the new
    -- segment from the last vertex to this bond's maturity, whose end x = ln DF(maturity) is
    -- solved by Newton so that the payments reprice the bond at its indicative yield.
    select
        bond.curve_date,
        bond.curve_code,
        bond.bond_rank,
        bond.bond_type,
        bond.maturity_date,
        bond.bond_du,
        bond.yield_decimal,
        newton_{{ newton_steps }}.x,
        residual.price_residual,
        previous.vertex_dus || bond.bond_du,
        previous.vertex_log_discount_factors || newton_{{ newton_steps }}.x,
        greatest(previous.known_at, bond.known_at)

    from bootstrapped as previous
    -- A lateral lookup, so that every step probes the index instead of hashing all bonds.
    cross join lateral (
        select *
        from bonds
        where
            bonds.curve_date = previous.curve_date
            and bonds.curve_code = previous.curve_code
            and bonds.bond_rank = previous.bond_rank + 1
    ) as bond
    cross join lateral (
        select
            coalesce(sum(payment.amount * exp(
                case
                    when payment.du = previous.vertex_dus[payment.segment]
                        then previous.vertex_log_discount_factors[payment.segment]
                    else previous.vertex_log_discount_factors[payment.segment]
                        + (
                            previous.vertex_log_discount_factors[payment.segment + 1]
                            - previous.vertex_log_discount_factors[payment.segment]
                        )
                        * (payment.du - previous.vertex_dus[payment.segment])
                        / (previous.vertex_dus[payment.segment + 1] - previous.vertex_dus[payment.segment])
                end
            )) filter (where payment.du <= previous.vertex_du), 0) as known_value,
            -- ANBIMA's price from the indicative yield, per unit of face, exponential on 252 du.
            sum(payment.amount * power(1 + bond.yield_decimal, -payment.du / 252.0)) as model_price,
            array_agg(payment.amount) filter (where payment.du > previous.vertex_du) as amounts,
            array_agg(
                cast(payment.du - previous.vertex_du as double precision)
                / (bond.bond_du - previous.vertex_du)
            ) filter (where payment.du > previous.vertex_du) as weights

        from (
            -- width_bucket: the last vertex at or before the payment (binary search).
            select
                flow.day_number - bond.curve_day_number as du,
                flow.amount,
                width_bucket(flow.day_number - bond.curve_day_number, previous.vertex_dus) as segment
            from unnest(bond.payment_day_numbers, bond.payment_amounts) as flow (day_number, amount)
        ) as payment
    ) as split
    cross join lateral (
        select -bond.bond_du / 252.0 * ln(1 + bond.yield_decimal) as x
    ) as newton_0
    {%- for i in range(1, newton_steps + 1) %}
    cross join lateral (
        select
            newton_{{ i - 1 }}.x
            - (split.known_value + sum(
                segment.amount * exp(
                    previous.log_discount_factor * (1 - segment.weight)
                    + newton_{{ i - 1 }}.x * segment.weight
                )
            ) - split.model_price)
            / sum(
                segment.amount * segment.weight * exp(
                    previous.log_discount_factor * (1 - segment.weight)
                    + newton_{{ i - 1 }}.x * segment.weight
                )
            ) as x

        from unnest(split.amounts, split.weights) as segment (amount, weight)
    ) as newton_{{ i }}
    {%- endfor %}
    cross join lateral (
        select
            split.known_value + sum(
                segment.amount * exp(
                    previous.log_discount_factor * (1 - segment.weight)
                    + newton_{{ newton_steps }}.x * segment.weight
                )
            ) - split.model_price as price_residual

        from unnest(split.amounts, split.weights) as segment (amount, weight)
    ) as residual

),

final as (

    select
        curve_date,
        curve_code,
        bond_type,
        maturity_date,
        vertex_du as business_days_to_maturity,
        yield_decimal,
        log_discount_factor,
        exp(log_discount_factor) as discount_factor,
        exp(-log_discount_factor * 252.0 / vertex_du) - 1 as zero_rate_decimal,
        price_residual,
        known_at

    from bootstrapped
    where bond_rank > 0

)

select * from final
