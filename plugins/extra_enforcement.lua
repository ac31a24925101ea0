--[[
extra_enforcement: more traffic officers at intersections (加大警力).

The practice: a city sends extra police to its crossings for the campaign
(e.g. 300 officers, 3 to 5 at each intersection during the inspection) to
stop red-light crossing, chaotic parking and street vending there.

The model: the officers are shared among the target districts in
proportion to their intersections. In a district with k officers per
intersection, new problems at intersections fall to
new_per_week x exp(-efficiency x k): each further officer helps less than
the one before (diminishing returns), and no number of officers removes
every problem.

Parameters (each default is the planner's assumption, not a measurement):
  officers    300   extra officers over all target districts (the cost)
  efficiency  0.35  fall of new problems per officer per intersection, in
                    the exponent: 3 officers an intersection keep
                    exp(-1.05) = 35 % of new problems
  category    "intersection"   the category the officers stand at

Cost unit: officers: the officers sent, counted once for the campaign (officers,
not officer-weeks).
]]
local extra_enforcement = {
  name = "extra_enforcement",
  description = "Traffic officers at intersections (加大警力): fewer new traffic "
    .. "problems, with diminishing returns in officers; cost in officers",
  params = { officers = 300, efficiency = 0.35, category = "intersection" },
}

function extra_enforcement.setup(scenario, params, targets)
  if params.officers < 0 or params.efficiency < 0 then
    error("officers and efficiency must be >= 0")
  end
  local intersections = 0
  for _, name in ipairs(targets) do
    local cell = scenario.district[name].categories[params.category]
    if cell == nil then
      error("the scenario has no category '" .. params.category .. "' (params.category)")
    end
    intersections = intersections + cell.sites
  end
  for _, name in ipairs(targets) do
    local cell = scenario.district[name].categories[params.category]
    local per_intersection = params.officers / intersections
    cell.new_per_week = cell.new_per_week * math.exp(-params.efficiency * per_intersection)
  end
  return { cost = params.officers }
end

return extra_enforcement
