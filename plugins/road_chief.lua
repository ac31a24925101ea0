--[[
road_chief: the road-chief system (路长制), with street chiefs (街长制) and
lane chiefs (巷长制).

The practice: an official is named responsible for each road, street or
lane. They walk it, log its problems and answer for their rectification,
so problems there are fixed sooner and fixed problems are watched so that
they do not come back.

The resource: staff_per_district, the chiefs named in each target district.
Everything follows from it: which share of the district's roads and streets
has an active chief (the coverage), hence the effect, and the cost.

The curve, per target district d: with S_d the district's sites in the
categories listed (its road and street segments),
  coverage_d = 1 - exp(-staff_per_district x sites_per_chief / S_d)
  rectify_rate += boost x coverage_d          (at most 1)
  rebound      *= 1 - rebound_cut x coverage_d
Each chief walks sites_per_chief segments; chiefs' beats overlap and some
segments fall between them, so each further chief covers less that was not
covered before (diminishing returns): staff x sites_per_chief = S_d covers
63 %, twice that 86 %, and no number of chiefs covers every segment. 0
chiefs change nothing and cost nothing. The larger the district, the more
chiefs the same coverage needs.

Parameters (each default is the planner's assumption, not a measurement):
  staff_per_district  20    chiefs per target district, a number >= 0
                            (full-time equivalents: 12.5 is allowed)
  sites_per_chief     10    road and street segments one chief walks, > 0.
                            DOMAIN gives "an official for each road, street,
                            lane" and no count; ten segments besides a
                            cadre's own job is an assumption
  boost               0.10  extra weekly rectification at full coverage, >= 0
  rebound_cut         0.5   fall of rebound at full coverage, within [0, 1]
  categories          the road and street categories the chiefs own
The former `coverage` (a share set by hand, apart from the staff) is gone:
coverage follows from the staff; a scenario giving it is refused as an
unknown parameter.

Cost unit: staff-weeks: staff_per_district x the target districts x the
campaign's weeks (chiefs serve the whole campaign). In the demo, 20 chiefs
in each of 3 districts for 12 weeks cost 720 staff-weeks.
]]
local road_chief = {
  name = "road_chief",
  description = "Road-chief system (路长制, 街长制, 巷长制): faster rectification "
    .. "and less rebound on roads and streets, saturating in chiefs per "
    .. "district; resource staff_per_district, cost in staff-weeks",
  params = {
    staff_per_district = 20,
    sites_per_chief = 10,
    boost = 0.10,
    rebound_cut = 0.5,
    categories = { "main_road", "back_street" },
  },
}

-- A finite number >= 0 (> 0 when positive is set), or a clear error.
local function check(params, key, what, positive)
  local x = params[key]
  if x ~= x or x == math.huge or x < 0 or (positive and x == 0) then
    error(string.format("params.%s = %g: %s must be a finite number %s", key, x,
      what, positive and "> 0" or ">= 0"), 2)
  end
end

-- The share of the district's segments with an active chief (0 for 0 staff).
local function coverage(staff, sites_per_chief, sites)
  return 1.0 - math.exp(-staff * sites_per_chief / sites)
end

function road_chief.setup(scenario, params, targets)
  check(params, "staff_per_district", "the chiefs per district")
  check(params, "sites_per_chief", "the segments a chief walks", true)
  check(params, "boost", "the extra rectification at full coverage")
  check(params, "rebound_cut", "the fall of rebound at full coverage")
  if params.rebound_cut > 1 then
    error(string.format("params.rebound_cut = %g: must be within [0, 1]", params.rebound_cut))
  end
  for _, category in ipairs(params.categories) do
    if scenario.category[category] == nil then
      error("the scenario has no category '" .. category .. "' (params.categories)")
    end
  end
  local staff = params.staff_per_district
  if staff == 0 then
    return { cost = 0 }
  end
  for _, district_name in ipairs(targets) do
    local cells = scenario.district[district_name].categories
    local sites = 0
    for _, category in ipairs(params.categories) do
      sites = sites + cells[category].sites
    end
    if sites > 0 then
      local share = coverage(staff, params.sites_per_chief, sites)
      for _, category in ipairs(params.categories) do
        local cell = cells[category]
        cell.rectify_rate = math.min(1.0, cell.rectify_rate + params.boost * share)
        cell.rebound = cell.rebound * (1.0 - params.rebound_cut * share)
      end
    end
  end
  return { cost = staff * #targets * scenario.weeks }
end

return road_chief
