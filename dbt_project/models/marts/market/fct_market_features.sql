{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['calendar_code', 'feature_date', 'feature_id'],
        on_schema_change='fail',
    )
}}

{#- Windows count sessions of the feature's own market; a window needs 80 % of them filled. -#}
{%- set volatility_windows = [21, 63, 252] -%}
{%- set zscore_window = 252 -%}
{%- set return_windows = (volatility_windows + [zscore_window]) | unique | list -%}
{%- set lookback_sessions = return_windows | max -%}
{%- set min_share = 0.8 -%}

with

returns as (

    select * from {{ ref('int_market__returns_computed') }}

),

levels as (

    select * from {{ ref('int_market__levels_selected') }}

),

panel as (

    select panel_date, observations_loaded_through
    from {{ ref('fct_business_day_panel') }}

),

sessions as (

    select calendar_code, calendar_date, business_day_number
    from {{ ref('dim_calendar_days') }}
    where is_business_day and calendar_code in ('B3', 'NYSE')

),

watermark as (

    select max(observations_loaded_through) as panel_loaded_through from panel

),

{% if is_incremental() %}
panel_restart as (

    -- The panel rewrites every row from the first day a new vintage can change: those rows
    -- carry a newer watermark than this table's last build.
    select min(panel_date) as restart_date
    from panel
    where observations_loaded_through > coalesce(
        (select max(panel_loaded_through) from {{ this }}), '-infinity'
    )

),

stored_levels as (

    select calendar_code, feature_date, subject_id, value, known_at
    from {{ this }}
    where feature_name = 'level'

),

derived_restart as (

    -- DI1 settlements reach the features without passing through the panel: the first date
    -- whose derived level was added, changed or dropped since the last build.
    select min(coalesce(l.level_date, s.feature_date)) as restart_date
    from (select * from levels where is_derived) as l
    full join stored_levels as s
        on
            s.calendar_code = l.calendar_code
            and s.feature_date = l.level_date
            and s.subject_id = l.subject_id
    where l.value is distinct from s.value or l.known_at is distinct from s.known_at

),

restart as (

    select least(p.restart_date, d.restart_date) as restart_date
    from panel_restart as p
    cross join derived_restart as d

),
{% endif %}

bounds as (

    -- The first session (re)written on each calendar; inputs reach one window further back.
    select
        calendar_code,
        min(business_day_number) as first_session_number
    from sessions
    {% if is_incremental() %}
        where calendar_date >= (select restart_date from restart)
    {% endif %}
    group by calendar_code

),

windowed_returns as (

    select
        r.*,
        b.first_session_number,
        -- The newest known_at so far bounds every input of a trailing window, and it costs one
        -- pass (a sliding max rescans the frame). The panel's known_at never decreases along
        -- sessions (tests/market), so this is also the window's own newest.
        max(r.known_at) over (
            partition by r.calendar_code, r.series_id
            order by r.session_number
            rows between unbounded preceding and current row
        ) as known_through
    from returns as r
    inner join bounds as b on b.calendar_code = r.calendar_code
    where r.session_number > b.first_session_number - {{ lookback_sessions }}

),

windowed_levels as (

    select
        l.*,
        b.first_session_number,
        max(l.known_at) over (
            partition by l.calendar_code, l.subject_id
            order by l.session_number
            rows between unbounded preceding and current row
        ) as known_through
    from levels as l
    inner join bounds as b on b.calendar_code = l.calendar_code
    where l.session_number > b.first_session_number - {{ lookback_sessions }}

),

log_returns as (

    select
        calendar_code,
        panel_date as feature_date,
        session_number,
        first_session_number,
        'log_return' as feature_name,
        series_id as subject_id,
        log_return as value,
        'log return' as unit,
        1 as window_sessions,
        2 as n_observations,
        previous_observation_date as window_start_date,
        observation_date as window_end_date,
        known_at
    from windowed_returns

),

return_stats as (

    -- Sums in numeric: PostgreSQL slides a numeric window by adding and removing one row
    -- (float8 aggregates rescan the whole frame), and a constant window gives exactly 0.
    -- The windows share one sort.
    select
        calendar_code,
        panel_date,
        session_number,
        first_session_number,
        series_id,
        log_return,
        observation_date,
        known_through,
        {%- for n in return_windows %}
        count(*) over last_{{ n }} as n_returns_{{ n }},
        {%- if n == zscore_window %}
        avg(cast(log_return as numeric)) over last_{{ n }} as mean_return_{{ n }},
        {%- endif %}
        stddev_samp(cast(log_return as numeric)) over last_{{ n }} as sd_return_{{ n }},
        first_value(previous_observation_date) over last_{{ n }} as window_start_date_{{ n }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from windowed_returns
    window
        {%- for n in return_windows %}
        last_{{ n }} as (
            partition by calendar_code, series_id
            order by session_number
            range between {{ n - 1 }} preceding and current row
        ){{ "," if not loop.last }}
        {%- endfor %}

),

{% for n in volatility_windows %}
realized_volatility_{{ n }} as (

    -- Sample standard deviation (n - 1) of the log returns in the last {{ n }} sessions,
    -- annualised with sqrt(252).
    select
        calendar_code,
        panel_date as feature_date,
        session_number,
        first_session_number,
        'realized_vol_{{ n }}d' as feature_name,
        series_id as subject_id,
        cast(sd_return_{{ n }} as double precision) * sqrt(cast(252 as double precision)) as value,
        'annualised fraction' as unit,
        {{ n }} as window_sessions,
        n_returns_{{ n }} as n_observations,
        window_start_date_{{ n }} as window_start_date,
        observation_date as window_end_date,
        known_through as known_at
    from return_stats
    where n_returns_{{ n }} >= {{ (n * min_share) | round(0, 'ceil') | int }}

),

{% endfor %}
return_zscores as (

    select
        calendar_code,
        panel_date as feature_date,
        session_number,
        first_session_number,
        'return_zscore_{{ zscore_window }}d' as feature_name,
        series_id as subject_id,
        cast(
            (cast(log_return as numeric) - mean_return_{{ zscore_window }})
            / nullif(sd_return_{{ zscore_window }}, 0)
            as double precision
        ) as value,
        'standard deviations' as unit,
        {{ zscore_window }} as window_sessions,
        n_returns_{{ zscore_window }} as n_observations,
        window_start_date_{{ zscore_window }} as window_start_date,
        observation_date as window_end_date,
        known_through as known_at
    from return_stats
    where
        n_returns_{{ zscore_window }} >= {{ (zscore_window * min_share) | round(0, 'ceil') | int }}

),

derived_levels as (

    select
        calendar_code,
        level_date as feature_date,
        session_number,
        first_session_number,
        'level' as feature_name,
        subject_id,
        value,
        unit,
        1 as window_sessions,
        1 as n_observations,
        first_observation_date as window_start_date,
        last_observation_date as window_end_date,
        known_at
    from windowed_levels
    where is_derived

),

level_stats as (

    select
        calendar_code,
        level_date,
        session_number,
        first_session_number,
        subject_id,
        value,
        last_observation_date,
        count(*) over trailing_sessions as n_levels,
        avg(cast(value as numeric)) over trailing_sessions as mean_level,
        stddev_samp(cast(value as numeric)) over trailing_sessions as sd_level,
        first_value(first_observation_date) over trailing_sessions as window_start_date,
        known_through as known_at
    from windowed_levels
    window trailing_sessions as (
        partition by calendar_code, subject_id
        order by session_number
        range between {{ zscore_window - 1 }} preceding and current row
    )

),

level_zscores as (

    select
        calendar_code,
        level_date as feature_date,
        session_number,
        first_session_number,
        'level_zscore_{{ zscore_window }}d' as feature_name,
        subject_id,
        cast(
            (cast(value as numeric) - mean_level) / nullif(sd_level, 0) as double precision
        ) as value,
        'standard deviations' as unit,
        {{ zscore_window }} as window_sessions,
        n_levels as n_observations,
        window_start_date,
        last_observation_date as window_end_date,
        known_at
    from level_stats
    where n_levels >= {{ (zscore_window * min_share) | round(0, 'ceil') | int }}

),

features as (

    select * from log_returns
    {%- for n in volatility_windows %}
    union all
    select * from realized_volatility_{{ n }}
    {%- endfor %}
    union all
    select * from return_zscores
    union all
    select * from derived_levels
    union all
    select * from level_zscores

),

final as (

    select
        f.calendar_code,
        f.feature_date,
        f.feature_name || '.' || f.subject_id as feature_id,
        f.feature_name,
        f.subject_id,
        f.value,
        f.unit,
        f.window_sessions,
        f.n_observations,
        f.window_start_date,
        f.window_end_date,
        f.known_at,
        w.panel_loaded_through,
        now() as built_at

    from features as f
    cross join watermark as w
    where f.session_number >= f.first_session_number and f.value is not null

)

select * from final
