--[[
doorstep_duty: shops' doorstep responsibility (门前三包).

The practice: every shop signs to keep the pavement in front of it clean,
orderly and green; street-level staff check and remind.

The model: in the target districts, new problems on the commercial
categories fall by the fraction reduction x compliance.

Parameters (each default is the planner's assumption, not a measurement):
  reduction           0.35  fall of new problems where shops comply
  compliance          0.7   share of shops that keep their pledge
  staff_per_district  6     street staff who check the pledges; the cost is
                            this times the number of target districts
  categories          the commercial street categories

Cost unit: staff: staff_per_district x the target districts, counted once for the
campaign (staff, not staff-weeks).
]]
local doorstep_duty = {
  name = "doorstep_duty",
  description = "Shops' doorstep responsibility (门前三包): fewer new problems on "
    .. "commercial streets and small restaurants; cost in staff",
  params = {
    reduction = 0.35,
    compliance = 0.7,
    staff_per_district = 6,
    categories = { "back_street", "small_restaurant" },
  },
}

function doorstep_duty.setup(scenario, params, targets)
  local cut = params.reduction * params.compliance
  if cut < 0 or cut > 1 then
    error("reduction x compliance must be within [0, 1]")
  end
  for _, name in ipairs(targets) do
    for _, category in ipairs(params.categories) do
      local cell = scenario.district[name].categories[category]
      if cell == nil then
        error("the scenario has no category '" .. category .. "' (params.categories)")
      end
      cell.new_per_week = cell.new_per_week * (1.0 - cut)
    end
  end
  return { cost = params.staff_per_district * #targets }
end

return doorstep_duty
