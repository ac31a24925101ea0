--[[
sprint_cleanup: a campaign-style surge (突击整治, "运动式") before the
expected inspection, instead of steady management (常态长效).

The practice: for a couple of weeks everyone is sent to clean up; then the
push stops, staff are exhausted and the fixes come undone ("一阵风").

The resource: staff_per_district, the staff each target district sends
during the surge weeks. Everything follows from it: the surge's strength,
the fatigue and rebound after it, and the cost.

The curve: the surge's intensity in a target district is
  s = 1 - exp(-staff_per_district / staff_scale)
(the first crews take the worst spots; further crews clean what is left
and get in each other's way: diminishing returns; staff_scale staff give
s = 63 %, twice as many 86 %). In the surge weeks start .. start + length - 1
the weekly rectification rate is the scenario's plus max_surge x s (at most
1). After the surge it drops to the scenario's rate x (1 - fatigue x s) and
the rebound of fixes rises by rebound_after x s (at most 1): the harder the
push, the deeper the slump. 0 staff change nothing and cost nothing. With
unannounced inspections in several batches, the batches after the surge see
the slump: planners can compare this with the same staff-weeks spread over
more weeks (fewer staff, a long surge, no fatigue or rebound:
scenarios/policy-steady-work.cfg); the curve is concave, so spreading the
same staff-weeks buys more rectification in all.

Parameters (each default is the planner's assumption, not a measurement):
  staff_per_district  50   staff sent by each target district in each surge
                           week, a number >= 0
  staff_scale         40   staff for 63 % of the attainable surge, > 0
  max_surge           0.40 the attainable extra weekly rectification, >= 0
  start               8    first surge week (from 2: a hook sets the rates of
                           the weeks after the one it runs in), >= 1
  length              2    surge weeks, >= 1
  fatigue             0.5  fall of the rectification rate after a full-strength
                           surge (s = 1), within [0, 1]
  rebound_after       0.20 extra rebound of fixes after a full-strength surge, >= 0
  categories          the categories cleaned (empty: all)
DOMAIN: "1,200 problems, only 82 % rectified" weeks before an inspection,
and fixes that rebound when the push stops; the numbers are assumptions (50
staff: s = 71 %, 0.29 extra rectification a week). The former `surge` (the
extra rate set by hand, apart from the staff) is gone: max_surge x s replaces
it; a scenario giving it is refused as an unknown parameter.

Cost unit: staff-weeks: staff_per_district x length x the target districts
(staff are paid for the surge weeks they work). A surge of 55 staff for 2
weeks and steady work of 10 staff for 11 weeks both cost 110 staff-weeks a
district.
]]
local sprint_cleanup = {
  name = "sprint_cleanup",
  description = "Campaign-style surge (突击整治) before the expected inspection, "
    .. "then fatigue and stronger rebound, saturating in staff; "
    .. "resource staff_per_district, cost in staff-weeks",
  params = {
    staff_per_district = 50, staff_scale = 40, max_surge = 0.40,
    start = 8, length = 2, fatigue = 0.5, rebound_after = 0.20, categories = {},
  },
}

-- A finite number >= 0 (> 0 when positive, whole >= 1 when week, <= 1 when
-- share), or a clear error.
local function check(params, key, what, positive, week, share)
  local x = params[key]
  if x ~= x or x == math.huge or x < 0 or (positive and x == 0) or (share and x > 1)
      or (week and (x < 1 or x ~= math.floor(x))) then
    error(string.format("params.%s = %g: %s must be %s", key, x, what,
      week and "a whole number >= 1" or share and "within [0, 1]"
        or positive and "a finite number > 0" or "a finite number >= 0"), 2)
  end
end

-- The surge's intensity with STAFF staff (0 for 0 staff).
local function intensity(params, staff)
  return 1.0 - math.exp(-staff / params.staff_scale)
end

function sprint_cleanup.setup(scenario, params, targets)
  check(params, "staff_per_district", "the staff per district")
  check(params, "staff_scale", "the staff's scale", true)
  check(params, "max_surge", "the attainable surge")
  check(params, "start", "the first surge week", false, true)
  check(params, "length", "the surge's weeks", false, true)
  check(params, "fatigue", "the fatigue", false, false, true)
  check(params, "rebound_after", "the extra rebound")
  for _, category in ipairs(params.categories) do
    if scenario.category[category] == nil then
      error("the scenario has no category '" .. category .. "' (params.categories)")
    end
  end
  return { cost = params.staff_per_district * params.length * #targets }
end

-- "before", "surge" or "after" for a week.
local function phase(params, week)
  if week < params.start then
    return "before"
  elseif week < params.start + params.length then
    return "surge"
  end
  return "after"
end

-- The next week after WEEK whose call changes the rates (the last week
-- before the surge and the surge's last week), or past the campaign: the
-- hook asks to be called next then, and the weeks between run without it.
local function next_change(params, week, weeks)
  local surge, after = params.start - 1, params.start + params.length - 1
  if surge > week then
    return surge
  elseif after > week then
    return after
  end
  return weeks + 1
end

function sprint_cleanup.week(state, params, targets)
  if params.staff_per_district == 0 then
    return state.weeks + 1
  end
  -- A hook runs after its week, so it sets the rates of the next one; they
  -- change only when the phase does (and once after week 1, whose rates are
  -- the scenario's).
  local week = state.week
  local next_phase = phase(params, week + 1)
  local unchanged = next_phase == phase(params, week)
  -- week 1 ran at the scenario's rates: "before" needs no change then
  if unchanged and (week > 1 or next_phase == "before") then
    return next_change(params, week, state.weeks)
  end
  local names = #params.categories > 0 and params.categories or state.categories
  local s = intensity(params, params.staff_per_district)
  local surge, kept, rebound_after = params.max_surge * s, 1.0 - params.fatigue * s,
    params.rebound_after * s
  -- numeric loops and comparisons, not ipairs and math.min: each call of
  -- a C function costs about as much as a cell's own work
  local district, n = state.district, #names
  for t = 1, #targets do
    local categories = district[targets[t]].categories
    for i = 1, n do
      local cell = categories[names[i]]
      local rate, rebound = cell.base_rectify_rate, cell.base_rebound
      if next_phase == "surge" then
        -- the rebound is still the scenario's: the surge follows "before"
        rate = rate + surge
        cell.rectify_rate = rate < 1.0 and rate or 1.0
      elseif next_phase == "after" then
        cell.rectify_rate = rate * kept
        rebound = rebound + rebound_after
        cell.rebound = rebound < 1.0 and rebound or 1.0
      else
        cell.rectify_rate = rate
        cell.rebound = rebound
      end
    end
  end
  return next_change(params, week, state.weeks)
end

return sprint_cleanup
