--[[
school_outreach: "small hands pull big hands" (小手拉大手).

The practice: schools teach pupils the campaign's civic rules and ask them
to bring their parents along: letters home, family pledges, pupils as
little volunteers. Parents answer the survey more warmly.

The model: in the target districts, the expected share of satisfied survey
answers rises by uplift (kept below ceiling).

Parameters (each default is the planner's assumption, not a measurement):
  uplift                0.02   added to the district's satisfaction
  ceiling               0.98   satisfaction never rises above this
  schools_per_district  12     schools taking part; the cost is this times
                               the number of target districts

Cost unit: schools: schools_per_district x the target districts.
]]
local school_outreach = {
  name = "school_outreach",
  description = "Small hands pull big hands (小手拉大手): schools raise district "
    .. "satisfaction; cost in schools",
  params = { uplift = 0.02, ceiling = 0.98, schools_per_district = 12 },
}

function school_outreach.setup(scenario, params, targets)
  if params.uplift < 0 or params.ceiling <= 0 or params.ceiling >= 1 then
    error("uplift must be >= 0 and ceiling within (0, 1)")
  end
  for _, name in ipairs(targets) do
    local district = scenario.district[name]
    if district.satisfaction < params.ceiling then
      district.satisfaction = math.min(params.ceiling, district.satisfaction + params.uplift)
    end
  end
  return { cost = params.schools_per_district * #targets }
end

return school_outreach
