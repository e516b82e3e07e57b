with

tff_positions as (

    select * from {{ ref('stg_cftc__tff_positions') }}

),

-- The catalogued CFTC series: cftc__<contract>_lev_net and cftc__<contract>_am_net, net long
-- positions in contracts.
lev_net as (

    select
        'cftc__' || contract || '_lev_net' as series_id,
        report_date as observation_date,
        cast(lev_money_net_contracts as double precision) as value,
        known_at,
        loaded_at

    from tff_positions
    where contract = 'BRL'

),

am_net as (

    select
        'cftc__' || contract || '_am_net' as series_id,
        report_date as observation_date,
        cast(asset_mgr_net_contracts as double precision) as value,
        known_at,
        loaded_at

    from tff_positions
    where contract = 'BRL'

),

nets as (

    select * from lev_net
    union all
    select * from am_net

),

-- A correction of another category (dealers, say) is a new bronze vintage of the report but
-- not of these nets: keep a row only where the net itself is new.
changed as (

    select
        *,
        lag(value) over (
            partition by series_id, observation_date order by known_at
        ) as previous_value

    from nets

),

final as (

    select series_id, observation_date, value, known_at, loaded_at
    from changed
    where previous_value is null or previous_value <> value

)

select * from final
