with

source as (

    select * from {{ source('treasury', 'par_yields') }}

),

coded as (

    select
        *,
        -- The platform tenor code of the series id treasury__<code>: 1M, 6W, 2M … 1Y … 30Y.
        case
            when tenor_months = 1.5 then '6W'
            when tenor_months >= 12 then cast(cast(tenor_months / 12 as integer) as text) || 'Y'
            else cast(cast(tenor_months as integer) as text) || 'M'
        end as tenor_code

    from source

),

renamed as (

    select
        'treasury__' || tenor_code as series_id,
        tenor_code,
        tenor,
        curve_date,
        cast(tenor_months as double precision) as tenor_months,
        cast(tenor_months / 12 as double precision) as tenor_years,
        cast(yield_pct as double precision) as yield_pct,
        cast(yield_pct as double precision) / 100 as yield_decimal,
        known_at,
        loaded_at,
        payload_sha256

    from coded

),

final as (

    select * from renamed

)

select * from final
