with

panel as (

    select calendar_code, panel_date, series_id, value, observation_date, known_at
    from {{ ref('fct_business_day_panel') }}

),

series as (

    select series_id, source, calendar
    from {{ ref('dim_series') }}

),

sessions as (

    select calendar_code, calendar_date, business_day_number
    from {{ ref('dim_calendar_days') }}
    where is_business_day

),

price_series as (

    -- Prices, index levels and exchange rates: the series whose log changes are returns.
    -- PTAX comes from the PTAX bulletins and from SGS (series 1 and 21619, the sale rates),
    -- because real histories often hold only one of the two.
    select series_id, calendar
    from series
    where
        source in ('yahoo', 'b3_index', 'bcb_ptax')
        or series_id in (
            'bcb_sgs__1',
            'bcb_sgs__21619',
            'fred__SP500',
            'fred__DCOILWTICO',
            'fred__DCOILBRENTEU',
            'fred__DTWEXBGS'
        )

),

own_sessions as (

    -- A series' returns live on its own market's sessions (dim_series.calendar).
    select
        p.calendar_code,
        p.panel_date,
        s.business_day_number as session_number,
        p.series_id,
        p.value,
        p.observation_date,
        p.known_at
    from panel as p
    inner join price_series as ps
        on ps.series_id = p.series_id and ps.calendar = p.calendar_code
    inner join sessions as s
        on s.calendar_code = p.calendar_code and s.calendar_date = p.panel_date

),

paired as (

    select
        *,
        lag(session_number) over previous_session as previous_session_number,
        lag(value) over previous_session as previous_value,
        lag(observation_date) over previous_session as previous_observation_date,
        lag(known_at) over previous_session as previous_known_at
    from own_sessions
    window previous_session as (partition by calendar_code, series_id order by panel_date)

),

final as (

    -- A return needs a new observation today and a fresh one on the session before: a
    -- forward-filled day (same observation) gives no return rather than a fake 0, and a stale
    -- session (null value) before today breaks the chain. Non-positive prices (WTI in April
    -- 2020) have no log return.
    select
        calendar_code,
        panel_date,
        session_number,
        series_id,
        ln(value / previous_value) as log_return,
        previous_observation_date,
        observation_date,
        greatest(known_at, previous_known_at) as known_at

    from paired
    where
        previous_session_number = session_number - 1
        and observation_date > previous_observation_date
        and value > 0
        and previous_value > 0

)

select * from final
