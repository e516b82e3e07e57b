-- The series catalog key is `<source>__<code>`: the same key as bronze table prefixes and the
-- `--from-csv` file names, so a catalog row that breaks it would orphan its observations.

with

series as (

    select * from {{ ref('dim_series') }}

),

final as (

    select
        series_id,
        source,
        code

    from series
    where series_id <> source || '__' || code

)

select * from final
