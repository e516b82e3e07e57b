-- fct_market_features dates a trailing window by the newest known_at of the inputs so far
-- (one pass instead of a sliding max). That equals the window's own newest, and an incremental
-- build equals a full one, only while known_at never decreases along a subject's sessions, as
-- the panel's as-of join guarantees. Fails on every input row that steps back.
with

returns as (

    select calendar_code, series_id as subject_id, session_number, known_at
    from {{ ref('int_market__returns_computed') }}

),

levels as (

    select calendar_code, subject_id, session_number, known_at
    from {{ ref('int_market__levels_selected') }}

),

inputs as (

    select 'return' as input_kind, * from returns
    union all
    select 'level' as input_kind, * from levels

),

ordered as (

    select
        *,
        lag(known_at) over (
            partition by input_kind, calendar_code, subject_id order by session_number
        ) as previous_known_at
    from inputs

),

final as (

    select * from ordered
    where known_at < previous_known_at

)

select * from final
