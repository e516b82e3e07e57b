with

holidays as (

    select * from {{ ref('calendar_holidays') }}

),

calendars as (

    select distinct calendar_code from holidays

),

bounds as (

    -- Whole years of the seed; the vars narrow the range (unit tests).
    select
        {%- if var('calendar_first_date', none) %}
        cast('{{ var("calendar_first_date") }}' as date) as first_date,
        cast('{{ var("calendar_last_date") }}' as date) as last_date
        {%- else %}
        make_date(cast(min(extract(year from holiday_date)) as integer), 1, 1) as first_date,
        make_date(cast(max(extract(year from holiday_date)) as integer), 12, 31) as last_date
    from holidays
        {%- endif %}

),

days as (

    select
        c.calendar_code,
        cast(d as date) as calendar_date
    from calendars as c
    cross join bounds as b
    cross join lateral generate_series(b.first_date, b.last_date, interval '1 day') as d

),

flagged as (

    select
        days.calendar_code,
        days.calendar_date,
        extract(isodow from days.calendar_date) < 6 and h.holiday_date is null as is_business_day
    from days
    left join holidays as h
        on h.calendar_code = days.calendar_code and h.holiday_date = days.calendar_date

),

numbered as (

    select
        calendar_code,
        calendar_date,
        is_business_day,
        -- Business days on or before the date. For business days a < b, number(b) - number(a)
        -- counts [a, b): du from trade date a to maturity b.
        cast(
            count(*) filter (where is_business_day) over (
                partition by calendar_code order by calendar_date
            ) as integer
        ) as business_day_number

    from flagged

),

final as (

    select
        calendar_code,
        calendar_date,
        is_business_day,
        business_day_number,
        -- The business day itself, or the last one before it: where a value for the date lands.
        max(calendar_date) filter (where is_business_day) over (
            partition by calendar_code order by calendar_date
        ) as business_date_on_or_before

    from numbered

)

select * from final
