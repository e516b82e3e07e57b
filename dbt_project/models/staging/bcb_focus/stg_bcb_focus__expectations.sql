with

source as (

    select * from {{ source('bcb_focus', 'expectations') }}

),

renamed as (

    select
        endpoint,
        indicator,
        nullif(indicator_detail, '') as indicator_detail,
        reference,
        case
            when reference ~ '^[0-9]{4}$' then cast(reference as integer)
            when reference ~ '^(R[0-9]{1,2}|[0-9]{2})/[0-9]{4}$'
                then cast(split_part(reference, '/', 2) as integer)
        end as reference_year,
        case
            when reference ~ '^[0-9]{2}/[0-9]{4}$'
                then cast(split_part(reference, '/', 1) as integer)
        end as reference_month,
        case
            when reference ~ '^R[0-9]{1,2}/[0-9]{4}$'
                then cast(substr(split_part(reference, '/', 1), 2) as integer)
        end as copom_meeting,
        case smoothed when 'S' then true when 'N' then false end as is_smoothed,
        survey_date,
        cast(calculation_base as integer) as calculation_base,
        case
            when endpoint = 'csv' then null
            when indicator = 'IPCA' and endpoint = 'monthly' then '% m/m'
            when indicator = 'IPCA' and endpoint = 'inflation_12m' then '% over next 12 months'
            when indicator = 'IPCA' then '% in reference year'
            when indicator = 'Selic' then '% p.a.'
            when indicator = 'PIB Total' then '% y/y'
            when indicator = 'Câmbio' then 'BRL per USD'
            when indicator = 'Resultado primário' then '% of GDP'
        end as unit,
        cast(mean as double precision) as mean,
        cast(median as double precision) as median,
        cast(std as double precision) as std_dev,
        cast(minimum as double precision) as minimum,
        cast(maximum as double precision) as maximum,
        respondents,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
