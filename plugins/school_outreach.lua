--[[
school_outreach: "small hands pull big hands" (小手拉大手).

The practice: schools teach pupils the campaign's civic rules and ask them
to bring their parents along: letters home, family pledges, pupils as
little volunteers. Parents answer the survey more warmly.

The resource: schools_per_district, the schools taking part in each target
district. Everything follows from it: the rise in satisfaction and the
cost.

The curve, per target district:
  uplift = max_uplift x (1 - exp(-schools_per_district / schools_scale))
  satisfaction = min(ceiling, satisfaction + uplift)   (unchanged when
                 already at or above ceiling)
The first schools reach the families most ready to listen; further ones
reach families already reached through a sibling or a neighbour, or
families the campaign does not move (diminishing returns): schools_scale
schools give 63 % of max_uplift, twice as many 86 %. 0 schools change
nothing and cost nothing.

Parameters (each default is the planner's assumption, not a measurement):
  schools_per_district  12    schools taking part per target district, a
                              number >= 0
  schools_scale         10    schools for 63 % of the attainable uplift, > 0
  max_uplift            0.04  the attainable rise of the district's expected
                              satisfaction, within [0, 1]
  ceiling               0.98  satisfaction never rises above this, in (0, 1)
DOMAIN gives the practice and the survey's stakes (satisfaction under 80 %
fails the city), no figure for the effect: 4 points at most, 2.8 with 12
schools, are assumptions. The former `uplift` (set by hand, apart from the
schools) is gone: it follows from the schools; a scenario giving it is
refused as an unknown parameter.

Cost unit: schools: schools_per_district x the target districts, each
school counted once for its campaign-long programme (a school is not paid by
the week).
]]
local school_outreach = {
  name = "school_outreach",
  description = "Small hands pull big hands (小手拉大手): schools raise district "
    .. "satisfaction, saturating in schools; resource schools_per_district, cost in schools",
  params = { schools_per_district = 12, schools_scale = 10, max_uplift = 0.04, ceiling = 0.98 },
}

-- A finite number >= 0 (> 0 when positive, <= 1 when share), or a clear error.
local function check(params, key, what, positive, share)
  local x = params[key]
  if x ~= x or x == math.huge or x < 0 or (positive and x == 0) or (share and x > 1) then
    error(string.format("params.%s = %g: %s must be %s", key, x, what,
      share and "within [0, 1]" or positive and "a finite number > 0" or "a finite number >= 0"), 2)
  end
end

-- The rise of satisfaction with SCHOOLS schools (0 for 0 schools).
local function uplift(params, schools)
  return params.max_uplift * (1.0 - math.exp(-schools / params.schools_scale))
end

function school_outreach.setup(scenario, params, targets)
  check(params, "schools_per_district", "the schools per district")
  check(params, "schools_scale", "the schools' scale", true)
  check(params, "max_uplift", "the attainable uplift", false, true)
  if params.ceiling ~= params.ceiling or params.ceiling <= 0 or params.ceiling >= 1 then
    error(string.format("params.ceiling = %g: must be within (0, 1)", params.ceiling))
  end
  local schools = params.schools_per_district
  if schools == 0 then
    return { cost = 0 }
  end
  local rise = uplift(params, schools)
  for _, name in ipairs(targets) do
    local district = scenario.district[name]
    if district.satisfaction < params.ceiling then
      district.satisfaction = math.min(params.ceiling, district.satisfaction + rise)
    end
  end
  return { cost = schools * #targets }
end

return school_outreach
