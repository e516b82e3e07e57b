-- Point in time: a feature of a month (or day) cannot be known before the first release of the
-- observation it is built on for that same month (or day). Seasonal factors and target bands
-- are known ahead by design and have no such observation.

with

macro_features as (

    select * from {{ ref('fct_macro_features') }}

),

observations as (

    select * from {{ ref('fct_observations') }}

),

di1_curve_tenors as (

    select * from {{ ref('fct_di1_curve_tenors') }}

),

own_inputs as (

    select * from (
        values
            ('ipca', 'bcb_sgs__433'),
            ('ipca_core_ms', 'bcb_sgs__4466'),
            ('ipca_core_ma', 'bcb_sgs__11427'),
            ('ipca_core_dp', 'bcb_sgs__16121'),
            ('ipca15', 'bcb_sgs__7478'),
            ('ipca_services', 'bcb_sgs__10844'),
            ('ipca_administered', 'bcb_sgs__4449'),
            ('ipca_free', 'bcb_sgs__11428'),
            ('ipca_tradables', 'bcb_sgs__4447'),
            ('ipca_nontradables', 'bcb_sgs__4448'),
            ('ipca_diffusion', 'bcb_sgs__21379'),
            ('us_cpi', 'fred__CPIAUCSL'),
            ('us_core_cpi', 'fred__CPILFESL'),
            ('us_core_pce', 'fred__PCEPILFE'),
            ('fiscal_net_debt', 'bcb_sgs__4513'),
            ('fiscal_gross_debt', 'bcb_sgs__13762'),
            ('fiscal_primary_deficit', 'bcb_sgs__5793'),
            ('fiscal_nominal_deficit', 'bcb_sgs__5727'),
            ('fiscal_interest', 'bcb_sgs__5727')
    ) as i (stem, series_id)

),

stem_inputs as (

    -- The longest stem that prefixes the feature id: ipca_core_ms_12m is ipca_core_ms's.
    select distinct on (f.feature_id)
        f.feature_id,
        i.series_id
    from (select distinct feature_id from macro_features) as f
    inner join own_inputs as i
        on f.feature_id like i.stem || '\_%'
        or f.feature_id = i.stem
    where f.feature_id not like '%seasonal_factor'
    order by f.feature_id, length(i.stem) desc

),

feature_inputs as (

    select feature_id, series_id from stem_inputs

    union all

    select distinct
        feature_id,
        'bcb_focus__' || substring(feature_id from '^focus_(.*)_rev_4w$')
    from macro_features
    where feature_id like 'focus\_%\_rev\_4w'

    union all

    select 'real_rate_ex_ante_1y', 'di1_1y'

),

first_releases as (

    select
        series_id,
        observation_date,
        min(known_at) as first_known_at
    from observations
    group by series_id, observation_date

    union all

    select
        'di1_1y',
        trade_date,
        min(known_at)
    from di1_curve_tenors
    where tenor_bd = 252
    group by trade_date

),

checked as (

    select
        f.feature_id,
        f.observation_date,
        f.known_at,
        r.first_known_at
    from macro_features as f
    inner join feature_inputs as i
        on f.feature_id = i.feature_id
    left join first_releases as r
        on i.series_id = r.series_id
        and f.observation_date = r.observation_date

),

final as (

    select * from checked
    where first_known_at is null or known_at < first_known_at

)

select * from final
