-- Each unit has a plausible range: flags are 0 or 1, and a value outside these bounds is a bug
-- (a wrong unit, a missing /100), not an economic event. The bounds are wide on purpose:
-- Brazil saw 12-month inflation of 17 % in 2003 and the US 15 % in 1980.

with

macro_features as (

    select * from {{ ref('fct_macro_features') }}

),

unit_ranges as (

    select * from (
        values
            ('% 12m', -20.0, 100.0),
            ('% m/m SA', -10.0, 20.0),
            ('% p.a. SAAR', -50.0, 200.0),
            ('% p.a.', -30.0, 60.0),
            ('pp m/m', -5.0, 5.0),
            ('pp', -30.0, 30.0),
            ('% of GDP', -50.0, 200.0),
            ('pp of GDP', -50.0, 50.0),
            ('% of items rising', 0.0, 100.0),
            ('% in year', 0.0, 20.0)
    ) as r (unit, min_value, max_value)

),

final as (

    select f.*
    from macro_features as f
    left join unit_ranges as r
        on f.unit = r.unit
    where
        case
            when f.unit = 'flag (1/0)' then f.value not in (0, 1)
            when r.unit is null then true
            else f.value not between r.min_value and r.max_value
        end

)

select * from final
