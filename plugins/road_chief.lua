--[[
road_chief: the road-chief system (路长制), with street chiefs (街长制) and
lane chiefs (巷长制).

The practice: an official is named responsible for each road, street or
lane. They walk it, log its problems and answer for their rectification,
so problems there are fixed sooner and fixed problems are watched so that
they do not come back.

The model: in the target districts, on the categories listed, the weekly
rectification rate rises by boost x coverage (at most 1), and the share of
last week's fixes that rebound falls by the fraction rebound_cut x coverage.

Parameters (each default is the planner's assumption, not a measurement):
  boost               0.10  added to the weekly rectification rate
  rebound_cut         0.5   fraction by which rebound falls
  coverage            1.0   share of those roads that really have an active chief
  staff_per_district  20    chiefs per district; the cost is this times the
                            number of target districts (in staff)
  categories          the road and street categories the chiefs own

Cost unit: staff: staff_per_district x the target districts, counted once for the
campaign (chiefs, not chief-weeks).
]]
local road_chief = {
  name = "road_chief",
  description = "Road-chief system (路长制, 街长制, 巷长制): faster rectification "
    .. "and less rebound on roads and streets; cost in staff",
  params = {
    boost = 0.10,
    rebound_cut = 0.5,
    coverage = 1.0,
    staff_per_district = 20,
    categories = { "main_road", "back_street" },
  },
}

function road_chief.setup(scenario, params, targets)
  if params.boost < 0 or params.coverage < 0 or params.coverage > 1
      or params.rebound_cut < 0 or params.rebound_cut > 1 then
    error("boost must be >= 0, coverage and rebound_cut within [0, 1]")
  end
  for _, district_name in ipairs(targets) do
    local district = scenario.district[district_name]
    for _, category in ipairs(params.categories) do
      local cell = district.categories[category]
      if cell == nil then
        error("the scenario has no category '" .. category .. "' (params.categories)")
      end
      cell.rectify_rate = math.min(1.0, cell.rectify_rate + params.boost * params.coverage)
      cell.rebound = cell.rebound * (1.0 - params.rebound_cut * params.coverage)
    end
  end
  return { cost = params.staff_per_district * #targets }
end

return road_chief
