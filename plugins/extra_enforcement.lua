--[[
extra_enforcement: more traffic officers at intersections (加大警力).

The practice: a city sends extra police to its crossings for the campaign
(e.g. 300 officers, 3 to 5 at each intersection during the inspection) to
stop red-light crossing, chaotic parking and street vending there.

The resource: officers, the extra officers over all target districts.
Everything follows from it: the officers per intersection, hence the
effect, and the cost.

The curve: the officers are shared among the target districts in
proportion to their intersections, so every target district has
k = officers / (all the targets' intersections) officers an intersection,
and its new problems at intersections become
  new_per_week x exp(-efficiency x k)
i.e. they fall by the fraction 1 - exp(-efficiency x k): each further
officer helps less than the one before (diminishing returns), and no
finite number removes every problem. 0 officers change nothing and cost
nothing. Given one district as target (a lever spending officers district
by district), officers are that district's.

Parameters (each default is the planner's assumption, not a measurement):
  officers    300   extra officers over all target districts, a number >= 0
                    (DOMAIN: "300 extra police, 3-5 at each intersection")
  efficiency  0.35  in the exponent, per officer an intersection, >= 0:
                    3 officers an intersection (the low end of DOMAIN's
                    3 to 5) keep exp(-1.05) = 35 % of new problems, 5 keep 17 %
  category    "intersection"   the category the officers stand at

Cost unit: officer-weeks: officers x the campaign's weeks (they stand at the
crossings the whole campaign). In the demo, 300 officers for 12 weeks cost
3,600 officer-weeks.
]]
local extra_enforcement = {
  name = "extra_enforcement",
  description = "Traffic officers at intersections (加大警力): fewer new traffic "
    .. "problems, with diminishing returns in officers; "
    .. "resource officers, cost in officer-weeks",
  params = { officers = 300, efficiency = 0.35, category = "intersection" },
}

-- A finite number >= 0, or a clear error.
local function check(params, key, what)
  local x = params[key]
  if x ~= x or x == math.huge or x < 0 then
    error(string.format("params.%s = %g: %s must be a finite number >= 0", key, x, what), 2)
  end
end

-- The share of new intersection problems left with k officers an intersection.
local function kept(efficiency, k)
  return math.exp(-efficiency * k)
end

function extra_enforcement.setup(scenario, params, targets)
  check(params, "officers", "the number of officers")
  check(params, "efficiency", "the efficiency")
  if scenario.category[params.category] == nil then
    error("the scenario has no category '" .. params.category .. "' (params.category)")
  end
  if params.officers == 0 then
    return { cost = 0 }
  end
  local intersections = 0
  for _, name in ipairs(targets) do
    intersections = intersections + scenario.district[name].categories[params.category].sites
  end
  if intersections == 0 then
    error(string.format("the target districts have no '%s' site to send %g officers to: "
      .. "set officers = 0 or choose other targets", params.category, params.officers))
  end
  local share = kept(params.efficiency, params.officers / intersections)
  for _, name in ipairs(targets) do
    local cell = scenario.district[name].categories[params.category]
    cell.new_per_week = cell.new_per_week * share
  end
  return { cost = params.officers * scenario.weeks }
end

return extra_enforcement
