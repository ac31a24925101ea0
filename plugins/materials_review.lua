--[[
materials_review: heads of units sign off the online materials
(一把手把关网报材料).

The practice: the head of every department signs off each item it reports
online before it is submitted, so fewer items are missing, outdated or
unsigned when the assessors read them.

The model: each material group's loss probability falls by the fraction
reduction. Materials are the city's, not a district's: targets do not
matter here.

Parameters (each default is the planner's assumption, not a measurement):
  reduction  0.5   fall of every group's loss probability
  groups     the material groups reviewed (empty: all of them)
  units      40    units whose heads sign off (the cost)

Cost unit: units: the units whose heads sign off, counted once.
]]
local materials_review = {
  name = "materials_review",
  description = "Heads of units sign off online materials (一把手把关网报材料): "
    .. "fewer materials lost; cost in units",
  params = { reduction = 0.5, groups = {}, units = 40 },
}

function materials_review.setup(scenario, params, targets)
  if params.reduction < 0 or params.reduction > 1 then
    error("reduction must be within [0, 1]")
  end
  local chosen = {}
  for _, group in ipairs(params.groups) do
    chosen[group] = true
  end
  local found = 0
  for _, material in ipairs(scenario.materials) do
    if #params.groups == 0 or chosen[material.name] then
      material.loss_probability = material.loss_probability * (1.0 - params.reduction)
      found = found + 1
    end
  end
  if found < #params.groups then
    error("params.groups names a material group the scenario does not have")
  end
  return { cost = params.units }
end

return materials_review
