with

monthly_windows as (

    select * from {{ ref('int_macro__monthly_windows_aggregated') }}

),

seasonal_factors as (

    select * from {{ ref('int_macro__seasonal_factors_estimated') }}

),

adjustment_inputs as (

    -- SA m/m = raw m/m - factor: two vintaged inputs of the same month, signs +1 and -1.
    select stem, observation_date, value, known_at, 1.0 as sign
    from monthly_windows
    where measure = 'mom'

    union all

    select stem, observation_date, seasonal_factor_pp, known_at, -1.0
    from seasonal_factors

),

adjustment_changes as (

    -- Each vintage moves the result by sign * (new - previous), as in the window model.
    select
        stem,
        observation_date,
        known_at,
        sum(change) as change,
        sum(n_first_releases) as n_first_releases
    from (
        select
            stem,
            observation_date,
            known_at,
            sign * (
                value - coalesce(
                    lag(value) over (
                        partition by stem, observation_date, sign
                        order by known_at
                    ),
                    0
                )
            ) as change,
            case
                when row_number() over (
                    partition by stem, observation_date, sign
                    order by known_at
                ) = 1 then 1
                else 0
            end as n_first_releases
        from adjustment_inputs
    ) as signed_changes
    group by stem, observation_date, known_at

),

adjusted as (

    select
        stem,
        observation_date,
        known_at,
        cast(
            round(cast(sum(change) over adjustment_history as numeric), 10) as double precision
        ) as sa_change_pct,
        sum(n_first_releases) over adjustment_history as n_inputs_released
    from adjustment_changes
    window adjustment_history as (
        partition by stem, observation_date
        order by known_at
    )

),

adjusted_vintages as (

    select
        stem,
        observation_date,
        sa_change_pct,
        lag(sa_change_pct) over (
            partition by stem, observation_date
            order by known_at
        ) as previous_sa_change_pct,
        known_at
    from adjusted
    where n_inputs_released = 2

),

three_months as (

    select month_offset from generate_series(0, 2) as g (month_offset)

),

annualised_changes as (

    -- 4 * sum of ln(1 + sa / 100) over months M-2..M, accumulated vintage by vintage.
    select
        v.stem,
        cast(v.observation_date + make_interval(months => m.month_offset) as date)
            as observation_date,
        v.known_at,
        sum(
            4 * (
                ln(1 + v.sa_change_pct / 100)
                - coalesce(ln(1 + v.previous_sa_change_pct / 100), 0)
            )
        ) as log_change,
        sum(case when v.previous_sa_change_pct is null then 1 else 0 end) as n_first_releases
    from adjusted_vintages as v
    cross join three_months as m
    group by 1, 2, 3

),

annualised as (

    select
        stem,
        observation_date,
        known_at,
        sum(log_change) over annualised_history as log_sum,
        sum(n_first_releases) over annualised_history as n_months_released
    from annualised_changes
    window annualised_history as (
        partition by stem, observation_date
        order by known_at
    )

),

final as (

    select
        stem,
        'mom_sa' as measure,
        observation_date,
        sa_change_pct as value,
        '% m/m SA' as unit,
        known_at
    from adjusted_vintages

    union all

    select
        stem,
        '3m_saar' as measure,
        observation_date,
        cast(round(cast((exp(log_sum) - 1) * 100 as numeric), 10) as double precision) as value,
        '% p.a. SAAR' as unit,
        known_at
    from annualised
    where n_months_released = 3

)

select * from final
