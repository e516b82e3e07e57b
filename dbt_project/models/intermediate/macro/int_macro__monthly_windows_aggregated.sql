with

observations as (

    select * from {{ ref('fct_observations') }}

),

price_series as (

    -- The IPCA family, all published as % m/m.
    select * from (
        values
            ('ipca', 'bcb_sgs__433'),
            ('ipca_core_ms', 'bcb_sgs__4466'),
            ('ipca_core_ma', 'bcb_sgs__11427'),
            ('ipca_core_dp', 'bcb_sgs__16121'),
            ('ipca15', 'bcb_sgs__7478'),
            ('ipca_services', 'bcb_sgs__10844'),
            ('ipca_administered', 'bcb_sgs__4449'),
            ('ipca_free', 'bcb_sgs__11428'),
            ('ipca_tradables', 'bcb_sgs__4447'),
            ('ipca_nontradables', 'bcb_sgs__4448')
    ) as p (stem, series_id)

),

us_price_indexes as (

    -- Index levels, already seasonally adjusted by the source.
    select * from (
        values
            ('us_cpi', 'fred__CPIAUCSL'),
            ('us_core_cpi', 'fred__CPILFESL'),
            ('us_core_pce', 'fred__PCEPILFE')
    ) as u (stem, series_id)

),

twelve_months as (

    select month_offset from generate_series(0, 11) as g (month_offset)

),

window_specs as (

    -- One row per input of a feature: which series, how many months before the feature's
    -- month, and its weight in the feature's method (see the yml).
    select
        p.stem,
        '12m' as measure,
        'compound' as method,
        p.series_id,
        m.month_offset,
        1.0 as weight,
        '% 12m' as unit,
        true as is_feature
    from price_series as p
    cross join twelve_months as m

    union all

    -- The month's own change, vintaged like a feature: the seasonal adjustment reads it.
    select p.stem, 'mom', 'sum', p.series_id, 0, 1.0, '% m/m', false
    from price_series as p

    union all

    -- x(M) minus the mean of x(M-11..M), written as weights: 11/12 on M, -1/12 on the others.
    select
        p.stem,
        'seasonal_deviation',
        'sum',
        p.series_id,
        m.month_offset,
        case when m.month_offset = 0 then 11.0 / 12 else -1.0 / 12 end,
        'pp m/m',
        false
    from price_series as p
    cross join twelve_months as m

    union all

    -- The diffusion index averaged over M-2..M.
    select 'ipca_diffusion', '3m', 'sum', 'bcb_sgs__21379', m.month_offset, 1.0 / 3,
        '% of items rising', true
    from twelve_months as m
    where m.month_offset < 3

    union all

    -- Growth of an index over k months, annualised: exp((12/k) * (ln x(M) - ln x(M-k))) - 1.
    select u.stem, s.measure, 'log_growth', u.series_id, s.month_offset, s.weight, s.unit, true
    from us_price_indexes as u
    cross join (
        values
            ('12m', 0, 1.0, '% 12m'),
            ('12m', 12, -1.0, '% 12m'),
            ('3m_saar', 0, 4.0, '% p.a. SAAR'),
            ('3m_saar', 3, -4.0, '% p.a. SAAR')
    ) as s (measure, month_offset, weight, unit)

    union all

    -- SGS publishes the NFSP sign: positive is a deficit (borrowing requirement).
    select f.*, true
    from (
        values
            ('fiscal_primary_deficit', '12m', 'sum', 'bcb_sgs__5793', 0, 1.0, '% of GDP'),
            ('fiscal_nominal_deficit', '12m', 'sum', 'bcb_sgs__5727', 0, 1.0, '% of GDP'),
            ('fiscal_interest', '12m', 'sum', 'bcb_sgs__5727', 0, 1.0, '% of GDP'),
            ('fiscal_interest', '12m', 'sum', 'bcb_sgs__5793', 0, -1.0, '% of GDP'),
            ('fiscal_net_debt', null, 'sum', 'bcb_sgs__4513', 0, 1.0, '% of GDP'),
            ('fiscal_net_debt', 'change_12m', 'sum', 'bcb_sgs__4513', 0, 1.0, 'pp of GDP'),
            ('fiscal_net_debt', 'change_12m', 'sum', 'bcb_sgs__4513', 12, -1.0, 'pp of GDP'),
            ('fiscal_gross_debt', null, 'sum', 'bcb_sgs__13762', 0, 1.0, '% of GDP'),
            ('fiscal_gross_debt', 'change_12m', 'sum', 'bcb_sgs__13762', 0, 1.0, 'pp of GDP'),
            ('fiscal_gross_debt', 'change_12m', 'sum', 'bcb_sgs__13762', 12, -1.0, 'pp of GDP')
    ) as f (stem, measure, method, series_id, month_offset, weight, unit)

),

feature_inputs as (

    select
        stem || coalesce('_' || measure, '') as feature_id,
        *
    from window_specs

),

features as (

    select
        feature_id,
        stem,
        measure,
        method,
        unit,
        is_feature,
        count(*) as n_inputs
    from feature_inputs
    group by feature_id, stem, measure, method, unit, is_feature

),

input_vintages as (

    select
        series_id,
        observation_date,
        value,
        lag(value) over (
            partition by series_id, observation_date
            order by known_at
        ) as previous_value,
        known_at

    from observations
    where series_id in (select series_id from feature_inputs)

),

contributions as (

    -- A vintage of an input month moves the feature of month M = input month + offset by
    -- weight * (term(new value) - term(previous value)); a first release adds its whole term.
    -- Summing these changes in known_at order gives the feature as known at each time.
    select
        i.feature_id,
        cast(v.observation_date + make_interval(months => i.month_offset) as date)
            as observation_date,
        v.known_at,
        i.weight * (
            case i.method
                when 'compound' then ln(1 + v.value / 100)
                when 'log_growth' then ln(v.value)
                else v.value
            end
            - coalesce(
                case i.method
                    when 'compound' then ln(1 + v.previous_value / 100)
                    when 'log_growth' then ln(v.previous_value)
                    else v.previous_value
                end,
                0
            )
        ) as weighted_change,
        case when v.previous_value is null then 1 else 0 end as n_first_releases
    from input_vintages as v
    inner join feature_inputs as i
        on v.series_id = i.series_id

),

changes as (

    select
        feature_id,
        observation_date,
        known_at,
        sum(weighted_change) as weighted_change,
        sum(n_first_releases) as n_first_releases
    from contributions
    group by feature_id, observation_date, known_at

),

accumulated as (

    select
        feature_id,
        observation_date,
        known_at,
        sum(weighted_change) over feature_history as weighted_sum,
        sum(n_first_releases) over feature_history as n_inputs_released
    from changes
    window feature_history as (
        partition by feature_id, observation_date
        order by known_at
    )

),

final as (

    -- A feature month exists once all its inputs have been released.
    select
        a.feature_id,
        f.stem,
        f.measure,
        a.observation_date,
        -- Rounded to 1e-10: far below any published precision, and exact to compare.
        cast(
            round(
                cast(
                    case f.method
                        when 'sum' then a.weighted_sum
                        else (exp(a.weighted_sum) - 1) * 100
                    end as numeric
                ),
                10
            ) as double precision
        ) as value,
        f.unit,
        a.known_at,
        f.is_feature
    from accumulated as a
    inner join features as f
        on a.feature_id = f.feature_id
    where a.n_inputs_released = f.n_inputs

)

select * from final
