with

bcb_focus_expectations as (

    select * from {{ ref('stg_bcb_focus__expectations') }}

),

series_map as (

    -- The catalogued Focus series; mirrors macro_models.connectors.bcb_focus.SERIES.
    select * from (
        values
            ('ipca_12m_median', 'inflation_12m', 'IPCA', 'median', null::integer),
            ('ipca_12m_mean', 'inflation_12m', 'IPCA', 'mean', null),
            ('ipca_annual_median', 'annual', 'IPCA', 'median', 0),
            ('ipca_annual_next_median', 'annual', 'IPCA', 'median', 1),
            ('selic_annual_median', 'annual', 'Selic', 'median', 0),
            ('selic_annual_next_median', 'annual', 'Selic', 'median', 1),
            ('pib_annual_median', 'annual', 'PIB Total', 'median', 0)
    ) as s (code, endpoint, indicator, stat, years_ahead)

),

bcb_focus_api_series as (

    -- One statistic of one Focus dataset at calculation base 0 (30 days), per survey date;
    -- mirrors macro_models.connectors.bcb_focus.SERIES.
    select
        'bcb_focus__' || s.code as series_id,
        e.survey_date as observation_date,
        case s.stat when 'median' then e.median else e.mean end as value,
        e.known_at,
        e.loaded_at,
        0 as from_csv

    from bcb_focus_expectations as e
    inner join series_map as s
        on e.endpoint = s.endpoint
        and e.indicator = s.indicator
        and e.indicator_detail is null
        and e.calculation_base = 0
        and (
            (s.years_ahead is null and e.is_smoothed)
            or e.reference_year = extract(year from e.survey_date) + s.years_ahead
        )

),

bcb_focus_csv_series as (

    -- Rows of tidy bcb_focus__<code>.csv files: the indicator column holds the series code.
    -- A file may mix reference years: only the series' own reference year is this series.
    select
        'bcb_focus__' || e.indicator as series_id,
        e.survey_date as observation_date,
        coalesce(e.median, e.mean) as value,
        e.known_at,
        e.loaded_at,
        1 as from_csv

    from bcb_focus_expectations as e
    inner join series_map as s
        on e.indicator = s.code
    where
        e.endpoint = 'csv'
        and (
            s.years_ahead is null
            or e.reference_year = extract(year from e.survey_date) + s.years_ahead
        )

),

bcb_focus_series as (

    -- A survey date loaded both from the API and from a CSV keeps the API's row.
    select
        series_id,
        observation_date,
        value,
        known_at,
        loaded_at

    from (
        select
            *,
            row_number() over (
                partition by series_id, observation_date, known_at
                order by from_csv
            ) as n_source
        from (
            select * from bcb_focus_api_series
            union all
            select * from bcb_focus_csv_series
        ) as both_sources
    ) as ranked
    where n_source = 1

),

final as (

    select * from bcb_focus_series

)

select * from final
