with

series_catalog as (

    select * from {{ ref('series_catalog') }}

),

final as (

    select
        series_id,
        source,
        code,
        name as series_name,
        unit,
        {{ unit_scale('unit') }} as value_scale,
        {{ normalised_unit('unit') }} as normalised_unit,
        rate_basis,
        frequency,
        calendar,
        timezone,
        release_anchor,
        release_lag_bd,
        cast(release_time as time) as release_time,
        staleness_limit_days,
        description

    from series_catalog

)

select * from final
