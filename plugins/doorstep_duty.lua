--[[
doorstep_duty: shops' doorstep responsibility (门前三包).

The practice: every shop signs to keep the pavement in front of it clean,
orderly and green; street-level staff check and remind. Shops keep their
pledge where someone comes by to check.

The resource: staff_per_district, the street staff checking the pledges in
each target district. Everything follows from it: the share of shops that
comply, hence the effect, and the cost.

The curve, per target district d: with S_d the district's sites in the
categories listed (its shop fronts and eateries),
  compliance_d = max_compliance x (1 - exp(-staff_per_district x shops_per_staff / S_d))
  new_per_week *= 1 - reduction x compliance_d     (on each listed category)
Each staff member checks shops_per_staff shops; their rounds overlap, so
each further one reaches fewer shops not yet visited (diminishing returns),
and even shops that are checked do not all comply (max_compliance). 0 staff
change nothing and cost nothing.

Parameters (each default is the planner's assumption, not a measurement):
  staff_per_district  6     checking staff per target district, a number >= 0
  shops_per_staff     150   shops one staff member checks on their rounds, > 0
  max_compliance      0.9   share of checked shops that keep the pledge,
                            within [0, 1]
  reduction           0.35  fall of new problems where shops comply,
                            within [0, 1]
  categories          the commercial street categories
DOMAIN gives the practice (门前三包 on commercial streets and small
restaurants) and no figures: all four numbers are assumptions. The former
`compliance` (a share set by hand, apart from the staff) is gone: it
follows from the staff; a scenario giving it is refused as an unknown
parameter.

Cost unit: staff-weeks: staff_per_district x the target districts x the
campaign's weeks (the checks go on all campaign). In the demo, 6 staff in
each of 2 districts for 12 weeks cost 144 staff-weeks.
]]
local doorstep_duty = {
  name = "doorstep_duty",
  description = "Shops' doorstep responsibility (门前三包): fewer new problems on "
    .. "commercial streets and small restaurants, saturating in checking staff; "
    .. "resource staff_per_district, cost in staff-weeks",
  params = {
    staff_per_district = 6,
    shops_per_staff = 150,
    max_compliance = 0.9,
    reduction = 0.35,
    categories = { "back_street", "small_restaurant" },
  },
}

-- A finite number >= 0 (> 0 when positive, <= 1 when share), or a clear error.
local function check(params, key, what, positive, share)
  local x = params[key]
  if x ~= x or x == math.huge or x < 0 or (positive and x == 0) or (share and x > 1) then
    error(string.format("params.%s = %g: %s must be %s", key, x, what,
      share and "within [0, 1]" or positive and "a finite number > 0" or "a finite number >= 0"), 2)
  end
end

-- The share of a district's shops that keep their pledge (0 for 0 staff).
local function compliance(params, sites)
  return params.max_compliance
    * (1.0 - math.exp(-params.staff_per_district * params.shops_per_staff / sites))
end

function doorstep_duty.setup(scenario, params, targets)
  check(params, "staff_per_district", "the checking staff per district")
  check(params, "shops_per_staff", "the shops one staff member checks", true)
  check(params, "max_compliance", "the share of checked shops that comply", false, true)
  check(params, "reduction", "the fall of new problems", false, true)
  for _, category in ipairs(params.categories) do
    if scenario.category[category] == nil then
      error("the scenario has no category '" .. category .. "' (params.categories)")
    end
  end
  if params.staff_per_district == 0 then
    return { cost = 0 }
  end
  for _, name in ipairs(targets) do
    local cells = scenario.district[name].categories
    local sites = 0
    for _, category in ipairs(params.categories) do
      sites = sites + cells[category].sites
    end
    if sites > 0 then
      local cut = params.reduction * compliance(params, sites)
      for _, category in ipairs(params.categories) do
        local cell = cells[category]
        cell.new_per_week = cell.new_per_week * (1.0 - cut)
      end
    end
  end
  return { cost = params.staff_per_district * #targets * scenario.weeks }
end

return doorstep_duty
