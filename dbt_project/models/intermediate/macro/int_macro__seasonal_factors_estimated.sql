with

monthly_windows as (

    select * from {{ ref('int_macro__monthly_windows_aggregated') }}

),

deviation_vintages as (

    select
        stem,
        observation_date,
        value,
        lag(value) over (
            partition by stem, observation_date
            order by known_at
        ) as previous_value,
        known_at
    from monthly_windows
    where measure = 'seasonal_deviation'

),

years_back as (

    select years_back from generate_series(1, 5) as g (years_back)

),

contributions as (

    -- The same calendar month one to five years earlier. As in the window model, a vintage
    -- adds the change of its value to a running sum, so sum / count is the mean as known then.
    select
        d.stem,
        cast(d.observation_date + make_interval(years => y.years_back) as date)
            as observation_date,
        d.known_at,
        d.value - coalesce(d.previous_value, 0) as deviation_change,
        case when d.previous_value is null then 1 else 0 end as n_first_releases,
        case when d.previous_value is null and y.years_back = 1 then 1 else 0 end
            as n_last_year_releases
    from deviation_vintages as d
    cross join years_back as y

),

changes as (

    select
        stem,
        observation_date,
        known_at,
        sum(deviation_change) as deviation_change,
        sum(n_first_releases) as n_first_releases,
        sum(n_last_year_releases) as n_last_year_releases
    from contributions
    group by stem, observation_date, known_at

),

accumulated as (

    select
        stem,
        observation_date,
        known_at,
        sum(deviation_change) over factor_history as deviation_sum,
        sum(n_first_releases) over factor_history as n_years,
        sum(n_last_year_releases) over factor_history as has_last_year
    from changes
    window factor_history as (
        partition by stem, observation_date
        order by known_at
    )

),

final as (

    -- At least three years, one of them the latest: an old pattern alone is not enough.
    select
        stem,
        observation_date,
        cast(round(cast(deviation_sum / n_years as numeric), 10) as double precision)
            as seasonal_factor_pp,
        cast(n_years as integer) as n_years,
        known_at
    from accumulated
    where
        n_years >= 3
        and has_last_year = 1

)

select * from final
