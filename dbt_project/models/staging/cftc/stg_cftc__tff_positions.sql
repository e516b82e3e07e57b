with

source as (

    select * from {{ source('cftc', 'tff_positions') }}

),

renamed as (

    select
        contract_code,
        contract,
        market_and_exchange_names as market_name,
        report_date,
        -- Every position is a count of contracts (integers as published).
        cast(open_interest as bigint) as open_interest_contracts,
        cast(dealer_long as bigint) as dealer_long_contracts,
        cast(dealer_short as bigint) as dealer_short_contracts,
        cast(asset_mgr_long as bigint) as asset_mgr_long_contracts,
        cast(asset_mgr_short as bigint) as asset_mgr_short_contracts,
        cast(lev_money_long as bigint) as lev_money_long_contracts,
        cast(lev_money_short as bigint) as lev_money_short_contracts,
        cast(other_rept_long as bigint) as other_rept_long_contracts,
        cast(other_rept_short as bigint) as other_rept_short_contracts,
        cast(nonrept_long as bigint) as nonrept_long_contracts,
        cast(nonrept_short as bigint) as nonrept_short_contracts,
        cast(dealer_long - dealer_short as bigint) as dealer_net_contracts,
        cast(asset_mgr_long - asset_mgr_short as bigint) as asset_mgr_net_contracts,
        cast(lev_money_long - lev_money_short as bigint) as lev_money_net_contracts,
        cast(other_rept_long - other_rept_short as bigint) as other_rept_net_contracts,
        cast(nonrept_long - nonrept_short as bigint) as nonrept_net_contracts,
        known_at,
        loaded_at,
        payload_sha256

    from source

),

final as (

    select * from renamed

)

select * from final
