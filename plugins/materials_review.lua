--[[
materials_review: heads of units sign off the online materials
(一把手把关网报材料).

The practice: the head of every department signs off each item it reports
online before it is submitted, so fewer items are missing, outdated or
unsigned when the assessors read them.

The resource: units, the units whose heads sign off. Everything follows
from it: the fall of the loss probability and the cost. Materials are the
city's, not a district's: targets do not matter here.

The curve:
  reduction = max_reduction x (1 - exp(-units / units_scale))
  loss_probability *= 1 - reduction      (each reviewed material group)
The units with most items to report sign off first; each further unit adds
fewer items, and a signed item can still be lost (an outdated record the
head did not see): units_scale units give 63 % of max_reduction, twice as
many 86 %. 0 units change nothing and cost nothing.

Parameters (each default is the planner's assumption, not a measurement):
  units          40   units whose heads sign off, a number >= 0
  units_scale    20   units for 63 % of the attainable fall, > 0
  max_reduction  0.6  the attainable fall of each group's loss probability,
                      within [0, 1]
  groups         the material groups reviewed (empty: all of them)
DOMAIN: materials carry 40 points and a city "lost more than 10 points" on
them in one year; how much a sign-off saves is not reported: the numbers
are assumptions (40 units cut losses by 52 %). The former `reduction` (set
by hand, apart from the units) is gone: it follows from the units; a
scenario giving it is refused as an unknown parameter.

Cost unit: units: the units whose heads sign off, each once before the
materials are submitted (counted once for the campaign).
]]
local materials_review = {
  name = "materials_review",
  description = "Heads of units sign off online materials (一把手把关网报材料): "
    .. "fewer materials lost, saturating in units; resource units, cost in units",
  params = { units = 40, units_scale = 20, max_reduction = 0.6, groups = {} },
}

-- A finite number >= 0 (> 0 when positive, <= 1 when share), or a clear error.
local function check(params, key, what, positive, share)
  local x = params[key]
  if x ~= x or x == math.huge or x < 0 or (positive and x == 0) or (share and x > 1) then
    error(string.format("params.%s = %g: %s must be %s", key, x, what,
      share and "within [0, 1]" or positive and "a finite number > 0" or "a finite number >= 0"), 2)
  end
end

-- The fall of the loss probability with UNITS units (0 for 0 units).
local function reduction(params, units)
  return params.max_reduction * (1.0 - math.exp(-units / params.units_scale))
end

function materials_review.setup(scenario, params, targets)
  check(params, "units", "the number of units")
  check(params, "units_scale", "the units' scale", true)
  check(params, "max_reduction", "the attainable fall", false, true)
  local chosen = {}
  for _, group in ipairs(params.groups) do
    chosen[group] = true
  end
  local found = 0
  for _, material in ipairs(scenario.materials) do
    if chosen[material.name] then
      found = found + 1
    end
  end
  if found < #params.groups then
    error("params.groups names a material group the scenario does not have")
  end
  if params.units == 0 then
    return { cost = 0 }
  end
  local cut = reduction(params, params.units)
  for _, material in ipairs(scenario.materials) do
    if #params.groups == 0 or chosen[material.name] then
      material.loss_probability = material.loss_probability * (1.0 - cut)
    end
  end
  return { cost = params.units }
end

return materials_review
